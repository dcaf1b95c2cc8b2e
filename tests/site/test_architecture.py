"""The shape of the code: the rules in docs/architecture.md, checked so they stay true."""

import ast
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

OUR_APPS = ("posts", "comments", "accounts", "wordpress")


def test_no_template_of_ours_silently_shadows_another():
    """Apps customise each other through adapters, never by overriding a template of the same name."""
    roots = [settings.BASE_DIR / app / "templates" for app in OUR_APPS] + [settings.BASE_DIR / "templates"]
    names = Counter(
        path.relative_to(root).as_posix()
        for root in roots
        if root.is_dir()
        for path in root.rglob("*")
        if path.is_file()
    )

    assert [name for name, count in names.items() if count > 1] == []


def test_the_app_settings_are_the_only_reader_of_comments_settings():
    """Every COMMENTS_* setting is read through comments/app_settings.py, which gives each its default."""
    setting_name = re.compile(r"COMMENTS_[A-Z_]+")
    readers = []
    for app in OUR_APPS:
        for path in Path(settings.BASE_DIR / app).rglob("*.py"):
            if path.name == "app_settings.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                named = (isinstance(node, ast.Attribute) and setting_name.fullmatch(node.attr)) or (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and setting_name.fullmatch(node.value)
                )
                if named:
                    readers.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")

    assert readers == []


def _is_admin_site(node) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "site" and getattr(node.value, "id", None) == "admin"


def test_apps_never_mutate_the_admin_site():
    """Only the project's admin site (mssite/admin.py) decides what it shows; apps register their own models."""
    mutations = []
    for app in OUR_APPS:
        for path in Path(settings.BASE_DIR / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                assigned = isinstance(node, ast.Assign) and any(
                    isinstance(target, ast.Attribute) and _is_admin_site(target.value) for target in node.targets
                )
                called = (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and _is_admin_site(node.func.value)
                    and node.func.attr in {"register", "unregister"}
                )
                if assigned or called:
                    mutations.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")

    assert mutations == []


def _imports(path: Path) -> list[tuple[str, int]]:
    """Absolute names of every module `path` imports (at the top or inside functions), with their lines."""
    module = ".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if module.endswith(".__init__"):
        module = package = module.removesuffix(".__init__")
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
    return found


def test_only_allauths_public_api_is_used():
    """allauth's `internal` packages change without notice between releases."""
    private = [
        f"{path.relative_to(settings.BASE_DIR)}:{line} {name}"
        for app in OUR_APPS
        for path in Path(settings.BASE_DIR / app).rglob("*.py")
        for name, line in _imports(path)
        if name.startswith("allauth.") and ".internal" in name
    ]

    assert private == []


# Which of our apps each app may import: posts ← comments ← accounts, and wordpress over them all.
MAY_IMPORT = {
    "posts": set(),
    "comments": {"posts"},
    "accounts": {"posts", "comments"},
    "wordpress": {"posts", "comments", "accounts"},
}


def _modules(app: str) -> dict[str, Path]:
    found = {}
    for path in Path(settings.BASE_DIR / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


def _import_graph(app: str) -> dict[str, set[str]]:
    """Module → the modules of the same app it imports, at the top or inside a function (both make a cycle)."""
    modules = _modules(app)
    return {
        name: {target for target, _ in _imports(path) if target in modules and target != name}
        for name, path in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, state = [], {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return cycles


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("app", OUR_APPS)
def test_no_import_cycle_inside_an_app(app):
    assert _cycles(_import_graph(app)) == []


@pytest.mark.parametrize("app", OUR_APPS)
def test_dependencies_point_one_way_and_no_app_imports_the_project(app):
    wrong = [
        f"{path.relative_to(settings.BASE_DIR)}:{line} imports {name}"
        for path in _modules(app).values()
        for name, line in _imports(path)
        if name.split(".")[0] in {"mssite", *MAY_IMPORT} - {app, *MAY_IMPORT[app]}
    ]

    assert wrong == []


def test_the_comments_app_knows_nothing_of_social_login():
    """allauth reaches comments only through the adapter accounts gives it (COMMENTS_ADAPTER)."""
    assert [
        f"{path.relative_to(settings.BASE_DIR)}:{line}"
        for path in _modules("comments").values()
        for name, line in _imports(path)
        if name.split(".")[0] == "allauth"
    ] == []
