"""Messages the web app can show, found statically: every literal ``_('...')`` in the
templates, and in the Python behind the pages every literal passed to ``tr``/``_`` or given as
the message of an error a user reads (form and upload errors that only appear on bad input,
which rendering the pages would not reach)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "creatorroi"
TEMPLATE_CALL = re.compile(r"""_\(\s*(['"])((?:\\.|(?!\1).)*)\1""", re.S)
# Error types whose first sentence-like literal argument is a message for the user.
ERRORS = {"WebError", "FieldError", "DuplicateError", "UploadRejected", "Problem"}
PYTHON = ("web", "dashboard", "campaigns.py", "uploads.py", "workspace_settings.py")


def _sentence(text: str) -> bool:
    return " " in text or text[:1].isupper()


def template_msgids() -> set[str]:
    found = set()
    for path in (SRC / "web" / "templates").glob("*.j2"):
        for m in TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
            found.add(m.group(2).replace("\\'", "'").replace('\\"', '"'))
    return found


def python_msgids() -> set[str]:
    found: set[str] = set()
    files: list[Path] = []
    for part in PYTHON:
        p = SRC / part
        files += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
            literals = [a.value for a in node.args
                        if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name in ("tr", "_") and literals:
                found.add(literals[0])
            elif name in ERRORS:
                found.update(s for s in literals[:1 + (name != "WebError")] if _sentence(s))
    return found
