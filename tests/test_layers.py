"""Layers read top-down: each app imports only the apps below it (the "may import" column of the
README), with no exception, and a page's URL lives with the app whose view serves it; `coursesite`,
the composition root, mounts every app's URLs.

An upper app adds to a lower app's page or sweep through the lower app's signals (lessons.signals,
gradebook.signals, reminders.signals, courses.signals), never by being imported."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# app -> the project apps it may import. `coursesite` (settings, URLs, the course import) composes everything.
MAY_IMPORT = {
    "accounts": set(),
    "courses": {"accounts"},
    "lessons": {"accounts", "courses"},
    "quizzes": {"accounts", "courses", "lessons"},
    "notifications": {"accounts"},
    "discussions": {"accounts", "courses", "lessons", "notifications"},
    "gradebook": {"accounts", "courses", "lessons", "quizzes", "discussions", "notifications"},
    "reminders": {"accounts", "courses", "lessons", "quizzes", "discussions", "notifications", "gradebook"},
    "review": {"accounts", "courses", "lessons", "quizzes", "gradebook", "reminders"},
    "studio": {"accounts", "courses", "lessons", "quizzes", "notifications", "discussions", "gradebook", "reminders"},
    "lti": {"accounts", "courses", "lessons", "quizzes", "gradebook"},
    "demo": {"accounts", "courses", "lessons", "quizzes", "notifications", "discussions", "gradebook", "reminders", "review"},
    "coursesite": {"accounts", "courses", "lessons", "quizzes", "notifications", "discussions", "gradebook", "reminders",
                   "review", "studio", "lti", "demo"},
}
# The plumbing every app may use: it sits below all of them and imports none.
INFRASTRUCTURE = {
    "coursesite.ids", "coursesite.broker", "coursesite.security", "coursesite.errors", "coursesite.changes", "coursesite.outbox",
    "coursesite.markdown_input", "coursesite.progress",
}


def _sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _imported_modules(path: Path) -> set[str]:
    """Modules imported, and modules mounted by a string `include("app.urls")`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "include" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def _imported_apps(path: Path) -> set[str]:
    modules = _imported_modules(path) - INFRASTRUCTURE
    return {module.split(".")[0] for module in modules} & set(MAY_IMPORT)


def test_every_project_app_has_its_layer():
    project_apps = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert project_apps == set(MAY_IMPORT)
    assert len(MAY_IMPORT) == 13


def test_the_layers_have_no_cycle():
    done: set[str] = set()

    def visit(app: str, path: tuple[str, ...]) -> None:
        assert app not in path, f"cycle: {' -> '.join((*path, app))}"
        if app not in done:
            for below in MAY_IMPORT[app]:
                visit(below, (*path, app))
            done.add(app)

    for app in MAY_IMPORT:
        visit(app, ())


def test_the_infrastructure_imports_no_app():
    for module in INFRASTRUCTURE:
        path = ROOT / (module.replace(".", "/") + ".py")
        assert _imported_apps(path) == set(), module


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_an_app_imports_only_the_apps_below_it(app):
    upward = {str(path.relative_to(ROOT)): sorted(_imported_apps(path) - MAY_IMPORT[app] - {app}) for path in _sources(app)}
    assert {path: apps for path, apps in upward.items() if apps} == {}


@pytest.mark.parametrize("app", sorted(set(MAY_IMPORT) - {"coursesite"}))
def test_an_apps_urls_route_only_to_its_own_views(app):
    foreign = {str(path.relative_to(ROOT)): sorted(_imported_apps(path) - {app}) for path in (ROOT / app).glob("*urls.py")}
    assert {path: apps for path, apps in foreign.items() if apps} == {}


def test_the_layers_test_sees_string_includes():
    """A string include is a dependency too: the composition root's mounts are read as imports."""
    assert {"studio", "review", "lti"} <= _imported_apps(ROOT / "coursesite" / "urls.py")
