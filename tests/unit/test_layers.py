"""The import rules of STYLE.md §2: no layer imports a layer above it, the client never imports
the server, addons use only the public names."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: package -> packages of ``bureau`` it must not import
FORBIDDEN = {
    "db": {"orm", "service", "rpc", "cli", "modules"},
    "tools": {"db", "orm", "service", "rpc", "cli", "modules"},
    "orm": {"service", "rpc", "cli", "modules"},
    "modules": {"service", "rpc", "cli"},
    "service": {"rpc", "cli"},
    "rpc": {"cli"},
}
ADDON_FORBIDDEN_PREFIXES = ("bureau.db", "bureau.orm", "bureau.rpc", "bureau.service", "bureau.cli",
                            "bureau.modules")


def _imports(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    top = path.relative_to(ROOT).parts[0]
    root_package = {"server": "bureau", "client_qt": "client_qt"}.get(top, top)
    package_parts = path.relative_to(ROOT / top).parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = [root_package, *package_parts]
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module


def test_server_layers_import_downwards_only():
    problems = []
    for path in (ROOT / "server").rglob("*.py"):
        layer = path.relative_to(ROOT / "server").parts[0]
        for module in _imports(path):
            parts = module.split(".")
            if parts[0] == "bureau" and len(parts) > 1 and parts[1] in FORBIDDEN.get(layer, ()):
                problems.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not problems, "\n".join(problems)


def test_client_never_imports_the_server():
    problems = [f"{path.relative_to(ROOT)} imports {module}"
                for path in (ROOT / "client_qt").rglob("*.py")
                for module in _imports(path) if module == "bureau" or module.startswith("bureau.")]
    assert not problems, "\n".join(problems)


def test_addons_use_public_names_only():
    problems = [f"{path.relative_to(ROOT)} imports {module}"
                for path in (ROOT / "addons").rglob("*.py")
                for module in _imports(path) if module.startswith(ADDON_FORBIDDEN_PREFIXES)]
    assert not problems, "\n".join(problems)
