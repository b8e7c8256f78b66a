"""Every refusal a user can read goes through gettext, so that an English visitor reads
it in English once the catalogue has it. Walks the apps' source (AST): each
`raise DomainError(...)` (or PermissionRefused, TransitionError) passes a gettext call,
and so does each label and `unavailable` message of a declared Transition."""

import ast
from pathlib import Path

from django.conf import settings

APPS = ("consortium", "members", "events", "projects")
ERRORS = frozenset({"DomainError", "PermissionRefused", "TransitionError"})
GETTEXT = frozenset({"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "pgettext_lazy"})


def _sources():
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(root), ast.parse(path.read_text())


def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _translated_names(tree: ast.Module) -> set[str]:
    """Module-level constants bound to a gettext call (ALREADY_DECIDED = _("…"))."""
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and _is_gettext_call(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _is_gettext_call(node) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in GETTEXT


def _translated(node, names: set[str]) -> bool:
    if _is_gettext_call(node):
        return True
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.BoolOp):  # `transition.unavailable or _("…")`
        return all(_translated(value, names) or _is_field(value) for value in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):  # _("…%(x)s") % {…}
        return _translated(node.left, names)
    return False


def _is_field(node) -> bool:
    # A Transition's own message, itself checked below where the transition is declared.
    return isinstance(node, ast.Attribute) and node.attr == "unavailable"


def _untranslated_messages():
    for path, tree in _sources():
        names = _translated_names(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = _name(node.func)
            if called in ERRORS:
                messages = node.args[:1]
            elif called == "Transition":
                messages = node.args[1:2] + [
                    k.value for k in node.keywords if k.arg == "unavailable"
                ]
            else:
                continue
            for message in messages:
                if not _translated(message, names):
                    yield f"{path}:{node.lineno} {ast.unparse(message)[:60]}"


def test_every_domain_error_message_goes_through_gettext():
    found = list(_untranslated_messages())
    assert not found, "messages shown to users without gettext:\n" + "\n".join(found)


def test_the_walk_finds_the_raises():
    raises = sum(
        1
        for _path, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _name(node.func) in ERRORS
    )
    assert raises > 40
