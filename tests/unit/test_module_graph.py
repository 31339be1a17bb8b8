"""Manifests and the dependency graph (modules.md §2, §3), without a database."""
import pytest

from bureau.exceptions import UserError
from bureau.modules.graph import DependencyCycleError, MissingDependencyError, dependency_order
from bureau.modules.manifest import ManifestError, adapt_version, check_external_dependencies, load_manifest


def manifests(**depends):
    return {name: {"depends": deps, "installable": True} for name, deps in depends.items()}


def test_order_is_by_depth_then_name():
    graph = manifests(base=[], zeta=["base"], alpha=["zeta"], beta=["base"], gamma=["alpha", "beta"])
    assert dependency_order(["gamma"], graph) == ["base", "beta", "zeta", "alpha", "gamma"]


def test_base_is_implied():
    graph = manifests(base=[], sales=[])
    assert dependency_order(["sales"], graph) == ["base", "sales"]


def test_missing_dependency_names_the_addon_and_the_dependency():
    graph = manifests(base=[], sales=["stock"])
    with pytest.raises(MissingDependencyError) as info:
        dependency_order(["sales"], graph)
    assert "sales" in str(info.value) and "stock" in str(info.value)
    assert isinstance(info.value, UserError)


def test_not_installable_dependency_is_missing():
    graph = manifests(base=[], sales=["stock"], stock=[])
    graph["stock"]["installable"] = False
    with pytest.raises(MissingDependencyError, match="not installable"):
        dependency_order(["sales"], graph)


def test_cycle_is_listed_in_order():
    graph = manifests(base=[], a=["b"], b=["c"], c=["a"])
    with pytest.raises(DependencyCycleError) as info:
        dependency_order(["a"], graph)
    assert "a -> b -> c -> a" in str(info.value)


@pytest.mark.parametrize("given, adapted", [("1.0", "17.0.1.0"), ("1.2.3", "17.0.1.2.3"),
                                            ("17.0.1.0.0", "17.0.1.0.0"), ("17.0.2.1", "17.0.2.1")])
def test_versions_get_the_server_series(given, adapted):
    assert adapt_version(given) == adapted


@pytest.mark.parametrize("bad", ["1", "1.x", "one.two", "1.2.3.4", "17.0.1", "17.0.a.b"])
def test_invalid_versions_are_refused(bad):
    with pytest.raises(ValueError):
        adapt_version(bad)


def write_manifest(tmp_path, text, name="addon"):
    addon = tmp_path / name
    addon.mkdir()
    (addon / "__manifest__.py").write_text(text)
    return addon


def test_manifest_is_read_as_a_literal_never_executed(tmp_path):
    marker = tmp_path / "executed"
    addon = write_manifest(tmp_path, f"__import__('pathlib').Path({str(marker)!r}).touch() or {{'name': 'x'}}")
    with pytest.raises(ManifestError, match="dict literal"):
        load_manifest(addon)
    assert not marker.exists()


def test_manifest_defaults_and_name_required(tmp_path):
    manifest = load_manifest(write_manifest(tmp_path, "{'name': 'Thing'}"))
    assert manifest["depends"] == [] and manifest["version"] == "17.0.1.0" and manifest["license"] == "LGPL-3"
    with pytest.raises(ManifestError, match="'name' is required"):
        load_manifest(write_manifest(tmp_path, "{'version': '1.0'}", name="nameless"))


def test_auto_install_list_must_be_a_subset_of_depends(tmp_path):
    with pytest.raises(ManifestError, match="auto_install"):
        load_manifest(write_manifest(tmp_path, "{'name': 'X', 'depends': ['a'], 'auto_install': ['b']}"))


def test_missing_external_dependencies_are_reported(tmp_path):
    manifest = load_manifest(write_manifest(tmp_path, "{'name': 'X', 'external_dependencies': "
                                                      "{'python': ['surely-not-installed-pkg'], 'bin': []}}"))
    with pytest.raises(ManifestError, match="surely-not-installed-pkg"):
        check_external_dependencies(manifest)
    manifest["external_dependencies"] = {"python": [], "bin": ["surely-not-a-binary-xyz"]}
    with pytest.raises(ManifestError, match="surely-not-a-binary-xyz"):
        check_external_dependencies(manifest)
    manifest["external_dependencies"] = {"python": ["pytest>=1"], "bin": ["sh"]}
    check_external_dependencies(manifest)
