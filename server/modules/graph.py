"""Dependency ordering of addons (modules.md §3).

``dependency_order(['library'], manifests)`` returns ``['base', 'library']``: the addons sorted by
depth (``base`` has depth 0, any other addon 1 + the maximum depth of its dependencies), ties broken
by name — a deterministic order, which is also the order in which two addons extending one model
without depending on each other are composed. Missing dependencies and cycles are errors naming the
addons involved, raised before anything is written.
"""
from ..exceptions import UserError


class DependencyError(UserError, ValueError):
    """The addons cannot be ordered (base class)."""


class MissingDependencyError(DependencyError):
    """A dependency is not on the addons path or is not installable."""


class DependencyCycleError(DependencyError):
    """The dependencies form a cycle; the message lists it in order (``a -> b -> a``)."""


def module_depends(name, manifest):
    """The dependencies of an addon (``base`` implied for every addon but ``base``)."""
    depends = list(manifest.get("depends") or [])
    if name != "base" and "base" not in depends:
        depends.append("base")
    return depends


def closure(names, manifests):
    """``{name: dependencies}`` for ``names`` and everything they depend on, transitively.

    :raises MissingDependencyError: an addon or a dependency is unknown or not installable
    """
    needed = {}
    stack = [(name, None) for name in names]
    while stack:
        name, required_by = stack.pop()
        if name in needed:
            continue
        manifest = manifests.get(name)
        if manifest is None or not manifest.get("installable", True):
            reason = "is not on the addons path" if manifest is None else "is not installable"
            if required_by:
                raise MissingDependencyError(f"The addon {required_by!r} depends on {name!r}, which {reason}.")
            raise MissingDependencyError(f"The addon {name!r} {reason}.")
        needed[name] = module_depends(name, manifest)
        stack.extend((dep, name) for dep in needed[name])
    return needed


def depths(needed):
    """Depth of each addon of a closure.

    :raises DependencyCycleError: naming the cycle
    """
    result = {}
    state = {}

    def visit(name, path):
        if state.get(name) == "done":
            return result[name]
        if state.get(name) == "visiting":
            cycle = path[path.index(name):] + [name]
            raise DependencyCycleError(f"Dependency cycle: {' -> '.join(cycle)}")
        state[name] = "visiting"
        deps = needed[name]
        depth = 0 if not deps else 1 + max(visit(dep, path + [name]) for dep in sorted(deps))
        state[name] = "done"
        result[name] = depth
        return depth

    for name in sorted(needed):
        visit(name, [])
    return result


def dependency_order(names, manifests):
    """``names`` and all their dependencies, by depth then name.

    :param manifests: ``{name: manifest}`` of the available addons
    :raises DependencyError: an addon (or a dependency) is unknown, or a cycle exists
    """
    needed = closure(names, manifests)
    depth = depths(needed)
    return sorted(needed, key=lambda name: (depth[name], name))


def downstream(names, manifests, among):
    """The addons of ``among`` that depend on one of ``names``, transitively (``names`` included)."""
    result = set(names)
    changed = True
    while changed:
        changed = False
        for name in among:
            if name in result or name not in manifests:
                continue
            if set(module_depends(name, manifests[name])) & result:
                result.add(name)
                changed = True
    return result
