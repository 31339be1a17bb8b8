"""Dependency ordering of addons (modules.md §3).

``dependency_order(['library'], manifests)`` returns ``['base', 'library']``: every addon after the
addons it depends on, ties broken by name so the order is stable. Missing dependencies and cycles are
errors naming the addons involved.
"""


class DependencyError(ValueError):
    """A dependency is missing or the dependencies form a cycle."""


def dependency_order(names, manifests):
    """``names`` and all their dependencies, each after its dependencies.

    :param manifests: ``{name: manifest}`` of the available addons
    :raises DependencyError: an addon (or a dependency) is unknown, or a cycle exists
    """
    needed = {}
    stack = [(name, None) for name in names]
    while stack:
        name, required_by = stack.pop()
        if name in needed:
            continue
        manifest = manifests.get(name)
        if manifest is None:
            if required_by:
                raise DependencyError(f"addon {required_by!r} depends on {name!r}, which is not on the addons path")
            raise DependencyError(f"unknown addon {name!r}")
        depends = list(manifest.get("depends") or [])
        if name != "base" and "base" not in depends:
            depends.append("base")
        needed[name] = depends
        stack.extend((dep, name) for dep in depends)
    order = []
    state = {}

    def visit(name, path):
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = path[path.index(name):] + [name]
            raise DependencyError(f"dependency cycle: {' -> '.join(cycle)}")
        state[name] = "visiting"
        for dep in sorted(needed[name]):
            visit(dep, path + [name])
        state[name] = "done"
        order.append(name)

    for name in sorted(needed, key=lambda n: (n != "base", n)):
        visit(name, [])
    return order
