"""Staged uploads: a file the web app received, kept aside until someone says "import it".

Why stage at all: an import is all or nothing, but a person wants to see what it will do
before it does it (how many orders are new, which cells are wrong). So the bytes are checked
(size, file type, readable text), stored under ``upload_dir/<workspace>/<random id>/``, parsed
exactly as the import will parse them with nothing written, and imported only on request.

Ids are random and looked up only under the asking workspace's own folder, so one workspace
can never reach another's upload, even by guessing. After a commit the data is deleted and a
small receipt (the import's counts) is kept, so a second click on "Import" answers the same
result instead of failing. Folders older than ``EXPIRES`` are removed whenever a file is staged.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import secrets
import shutil
import unicodedata
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from creatorroi.errors import BadRowError, CreatorROIError, ImportFailed, NotFoundError
from creatorroi.i18n import normalize_lang
from creatorroi.ingest import KIND_NAMES, ParseContext, ParsedImport, parse_file
from creatorroi.ingest.context import FileRejected, table_spec
from creatorroi.ingest.kinds import STREAMED_KINDS
from creatorroi.ingest.text import decode, is_xlsx

if TYPE_CHECKING:
    from creatorroi.workspace import ImportReport, Workspace

EXPIRES = timedelta(hours=24)
TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
META = ".staged.json"          # the safe name never starts with a dot, so it cannot collide
RECEIPT = ".receipt.json"
MAX_NAME_BYTES = 150           # well under every file system's 255-byte limit
_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_CHUNK = 1000
# Formats people upload by mistake, named in the refusal so the fix is obvious.
_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"MZ", b"\x7fELF",
                 b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"\xd0\xcf\x11\xe0")
_OLD_EXCEL = b"\xd0\xcf\x11\xe0"
# C0 and C1 control characters other than tab, newlines and form feed: text has almost none,
# random bytes read in any single-byte code page have one in every eight or so.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SAMPLE = 65_536
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                     *(f"LPT{i}" for i in range(10))}


class UploadRejected(CreatorROIError):
    """An upload refused before parsing. ``code`` says why (the web answers a status for
    each), ``msgid`` and ``values`` say it in English for the caller to translate, ``field``
    names the form field to fix."""

    def __init__(self, code: str, msgid: str, field: str = "file", **values: object):
        super().__init__(msgid.format(**values) if values else msgid)
        self.code = code
        self.msgid = msgid
        self.field = field
        self.values = values


@dataclass(frozen=True)
class Staged:
    """An uploaded file waiting to be previewed and committed."""

    id: str
    workspace_id: str
    kind: str
    name: str                  # the stored, sanitised file name (the import history's name)
    original: str              # the name as the browser sent it: display only, always escaped
    encoding: str | None
    size: int
    sha256: str
    created_at: datetime
    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / self.name


@dataclass(frozen=True)
class TableChange:
    """What committing would do to one table: rows by key, compared with the store."""

    table: str
    new: int
    changed: int
    unchanged: int
    removed: int = 0           # only an EMV card: actions of a named platform it drops


@dataclass(frozen=True)
class Preview:
    """A staged file parsed as the import will parse it, with nothing written."""

    staged: Staged
    rows_read: int
    warnings: tuple[str, ...]
    errors: tuple[BadRowError, ...]       # translated by the ingest; empty when valid
    total_errors: int
    tables: tuple[TableChange, ...]

    @property
    def ok(self) -> bool:
        return self.total_errors == 0

    @property
    def new(self) -> int:
        """New rows as the import report counts them: an order's codes belong to the order."""
        return sum(t.new for t in self.tables if t.table != "order_codes")

    @property
    def changed(self) -> int:
        return sum(t.changed for t in self.tables)

    @property
    def unchanged(self) -> int:
        return sum(t.unchanged for t in self.tables if t.table != "order_codes")


# -- file names ----------------------------------------------------------------------------
def safe_name(filename: str | None, default: str = "upload") -> str:
    """A file name that stays inside its folder on any system: no path, no separators or
    control characters, no leading dot, at most ``MAX_NAME_BYTES`` bytes of UTF-8, never empty.

    Letters of every script are kept (a Korean brand's ``주문.csv`` stays readable in the
    history); anything else becomes ``_``.
    """
    text = unicodedata.normalize("NFC", filename or "")
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(ch if ch.isalnum() or ch in " .-_()" else "_" for ch in text)
    text = " ".join(text.split())  # no tabs, no runs of spaces
    text = text.strip(" .")
    stem, dot, ext = text.rpartition(".")
    if not dot or not ext.isascii() or not ext.isalnum() or len(ext) > 10 or not stem:
        stem, ext = text, ""
    stem = stem.rstrip(" .")
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    suffix = f".{ext.lower()}" if ext else ""
    room = MAX_NAME_BYTES - len(suffix.encode())
    while len(stem.encode()) > room:
        stem = stem[:-1]
    stem = stem.rstrip(" .")
    return (stem or default) + suffix


def extensions(kind: str) -> tuple[str, ...]:
    """The file types a kind may arrive in: text or a workbook; GA4 also as Data API JSON,
    comments and mentions also as JSON or JSON Lines (what listening tools export)."""
    if kind == "ga4":
        return (*TEXT_EXTENSIONS, ".xlsx", ".json")
    if kind in STREAMED_KINDS:
        return (*TEXT_EXTENSIONS, ".xlsx", ".json", ".jsonl", ".ndjson")
    return (*TEXT_EXTENSIONS, ".xlsx")


def _parse(ws: Workspace, path: Path, kind: str, ctx: ParseContext) -> ParsedImport:
    """As the import will read it: comments and mentions through the streaming import's own
    reading (unknown posts dropped, scored), so a preview counts what the import will write."""
    if kind not in STREAMED_KINDS:
        return parse_file(path, kind, ctx)
    from creatorroi.comments_import import read_comments

    return read_comments(ws, kind, path, ctx)


# -- staging -------------------------------------------------------------------------------
def stage(ws: Workspace, kind: str, filename: str | None, data: bytes, upload_dir: Path,
          max_bytes: int, *, encoding: str | None = None, lang: str | None = None,
          now: datetime | None = None) -> Staged:
    """Check an upload and keep it for preview; raise ``UploadRejected`` saying why not."""
    now = now or datetime.now(UTC)
    sweep(upload_dir, now)
    if kind not in KIND_NAMES:
        raise UploadRejected("unknown_kind", "Unknown kind {kind}. Choose one of: {kinds}.",
                             field="kind", kind=kind, kinds=", ".join(KIND_NAMES))
    if len(data) > max_bytes:
        raise UploadRejected("too_large", "The file is {size}; the limit is {limit}.",
                             size=len(data), limit=max_bytes)
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise UploadRejected("empty", "The file is empty.")
    name = safe_name(filename)
    ext = Path(name).suffix.lower()
    allowed = extensions(kind)
    if ext not in allowed:
        raise UploadRejected("unsupported_type",
                             "Files of type {type} cannot be imported as {kind}. "
                             "Upload one of: {allowed}.",
                             type=ext or "?", kind=kind, allowed=", ".join(allowed))
    encoding = (encoding or "").strip() or None
    _check_content(data, ext, encoding, ws.locale, lang)
    sid = secrets.token_urlsafe(18)
    folder = _workspace_dir(upload_dir, ws.id) / sid
    folder.mkdir(mode=0o700, parents=True)
    staged = Staged(sid, ws.id, kind, name, (filename or name)[:500], encoding, len(data),
                    hashlib.sha256(data).hexdigest(), now, folder)
    staged.path.write_bytes(data)
    staged.path.chmod(0o600)
    (folder / META).write_text(json.dumps({
        "kind": kind, "name": name, "original": staged.original, "encoding": encoding,
        "size": staged.size, "sha256": staged.sha256, "created_at": now.isoformat()}),
        encoding="utf-8")
    return staged


def _check_content(data: bytes, ext: str, encoding: str | None, locale: str,
                   lang: str | None) -> None:
    """Refuse what no parser can read: other binary formats, an unknown encoding, text that
    decodes to control characters (random bytes). Decoding uses the ingest's own detection,
    so what passes here is read the same way by the import."""
    if data.startswith(_OLD_EXCEL):
        raise UploadRejected("unsupported_type", "This is an old Excel .xls workbook. "
                             "Save it as .xlsx or CSV and upload it again.")
    if is_xlsx(data):
        return
    if ext == ".xlsx":
        raise UploadRejected("unsupported_type", "This file is named .xlsx but is not an "
                             "Excel workbook.")
    if data.startswith(_BINARY_MAGIC):
        raise UploadRejected("unsupported_type", "This is not a spreadsheet or text file.")
    if encoding is not None:
        try:  # so does a codec that is not a text encoding (base64, rot13, idna)
            b"a".decode(codecs.lookup(encoding).name, errors="ignore")
        except (LookupError, ValueError):  # ValueError: a NUL in the name, UnicodeError
            raise UploadRejected("bad_encoding", "Unknown text encoding {encoding}.",
                                 field="encoding", encoding=encoding) from None
    ctx = ParseContext(locale=locale, encoding=encoding, lang=normalize_lang(lang))
    try:
        text, _ = decode(data, "upload", ctx)
    except FileRejected as exc:
        raise UploadRejected("bad_encoding", "This file cannot be read as text: {reason}",
                             field="encoding" if encoding else "file",
                             reason=exc.reason) from None
    except (LookupError, ValueError):  # a codec whose decoder fails in its own way
        raise UploadRejected("bad_encoding", "Unknown text encoding {encoding}.",
                             field="encoding", encoding=encoding) from None
    sample = text[:_SAMPLE]
    if len(_CONTROL.findall(sample)) > len(sample) // 1000:
        raise UploadRejected("unsupported_type", "This is not a spreadsheet or text file.")


def _workspace_dir(upload_dir: Path, workspace_id: str) -> Path:
    # Workspace ids are letters, digits, '-' and '_' (App.create_workspace checks).
    return Path(upload_dir) / workspace_id


def _folder(ws: Workspace, staged_id: str, upload_dir: Path) -> Path:
    if not _ID.match(staged_id):
        raise NotFoundError(f"no upload {staged_id!r}")
    return _workspace_dir(upload_dir, ws.id) / staged_id


def _expired(created: datetime, now: datetime) -> bool:
    return now - created > EXPIRES


def load(ws: Workspace, staged_id: str, upload_dir: Path,
         now: datetime | None = None) -> Staged:
    """The workspace's staged upload ``staged_id``; NotFoundError when it is not (any more)
    there: discarded, committed, expired, or another workspace's."""
    folder = _folder(ws, staged_id, upload_dir)
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NotFoundError(f"no upload {staged_id!r}") from None
    staged = Staged(staged_id, ws.id, meta["kind"], meta["name"], meta["original"],
                    meta["encoding"], int(meta["size"]), meta["sha256"],
                    datetime.fromisoformat(meta["created_at"]), folder)
    if _expired(staged.created_at, now or datetime.now(UTC)):
        shutil.rmtree(folder, ignore_errors=True)
        raise NotFoundError(f"upload {staged_id!r} expired")
    if not staged.path.is_file():
        raise NotFoundError(f"no upload {staged_id!r}")
    return staged


def sweep(upload_dir: Path, now: datetime | None = None) -> int:
    """Remove staged folders (of every workspace) older than ``EXPIRES``; returns how many."""
    now = now or datetime.now(UTC)
    root = Path(upload_dir)
    removed = 0
    if not root.is_dir():
        return 0
    for ws_dir in root.iterdir():
        if not ws_dir.is_dir():
            continue
        for folder in ws_dir.iterdir():
            if not folder.is_dir():
                continue
            try:
                meta = json.loads((folder / META).read_text(encoding="utf-8"))
                created = datetime.fromisoformat(meta["created_at"])
            except (OSError, ValueError, KeyError):
                # a folder half written or damaged: judge it by its modification time
                created = datetime.fromtimestamp(folder.stat().st_mtime, UTC)
            if _expired(created, now):
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
    return removed


def discard(ws: Workspace, staged_id: str, upload_dir: Path) -> bool:
    """Delete a staged upload (or a receipt); False when there was nothing to delete."""
    try:
        folder = _folder(ws, staged_id, upload_dir)
    except NotFoundError:
        return False
    if not folder.is_dir():
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True


# -- preview -------------------------------------------------------------------------------
def parse_context(ws: Workspace, kind: str, lang: str | None,
                  encoding: str | None) -> ParseContext:
    """The context ``Workspace.import_file`` parses with, so a preview reads the same rows."""
    return ws.parse_context(kind, lang=lang, encoding=encoding)


def preview(ws: Workspace, staged: Staged, lang: str | None,
            lock: AbstractContextManager[Any] | None = None) -> Preview:
    """Parse the staged file and count what committing it would change, writing nothing.

    Parsing (the slow part) runs outside ``lock``; reading the store runs inside it.
    """
    try:
        parsed = _parse(ws, staged.path, staged.kind,
                        parse_context(ws, staged.kind, lang, staged.encoding))
    except ImportFailed as exc:
        errors = tuple(_named(e, staged.original) for e in exc.errors)
        return Preview(staged, 0, (), errors, exc.total, ())
    with lock or nullcontext():
        changes = compare(ws, parsed)
    return Preview(staged, parsed.rows_read, tuple(parsed.warnings), (), 0, changes)


def _named(error: BadRowError, name: str) -> BadRowError:
    """The bad cell under the name the user knows, not the server's staging path."""
    return BadRowError(name, error.row, error.column, error.reason)


def compare(ws: Workspace, parsed: ParsedImport) -> tuple[TableChange, ...]:
    """Per table: incoming rows whose key is new, whose values differ from the stored row,
    or that equal it; counted the way ``Store.upsert`` and ``Workspace.import_file`` do."""
    out = []
    for table, frame in parsed.tables.items():
        if table == "order_codes":
            out.append(_compare_codes(ws, list(parsed.tables["orders"]["id"]), frame))
        else:
            out.append(_compare_table(ws, table, frame))
    return tuple(out)


def _compare_table(ws: Workspace, table: str, frame: pd.DataFrame) -> TableChange:
    spec = table_spec(table)
    cols = list(spec.names)
    key_idx = [cols.index(k) for k in spec.key]
    incoming = [tuple(_norm(v) for v in row)
                for row in frame[cols].itertuples(index=False, name=None)]
    first = sorted({r[key_idx[0]] for r in incoming}, key=str)
    stored: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    collist = ", ".join(f'"{c}"' for c in cols)
    for chunk in _chunks(first):
        marks = ", ".join("?" for _ in chunk)
        for row in ws.store.fetch(f"SELECT {collist} FROM {table} WHERE workspace_id = ? "
                                  f'AND "{spec.key[0]}" IN ({marks})', [ws.id, *chunk]):
            values = tuple(_norm(v) for v in row)
            stored[tuple(values[i] for i in key_idx)] = values
    new = changed = unchanged = 0
    for row in incoming:
        old = stored.get(tuple(row[i] for i in key_idx))
        if old is None:
            new += 1
        elif old != row:
            changed += 1
        else:
            unchanged += 1
    removed = _card_removals(ws, frame) if table == "emv_rates" else 0
    return TableChange(table, new, changed, unchanged, removed)


def _card_removals(ws: Workspace, frame: pd.DataFrame) -> int:
    """An imported card replaces each named platform's whole card (``_clear_card``)."""
    kept = {(p, a) for p, a in zip(frame["platform"], frame["action"], strict=True)}
    platforms = sorted({p for p, _ in kept})
    if not platforms:
        return 0
    marks = ", ".join("?" for _ in platforms)
    rows = ws.store.fetch(f"SELECT platform, action FROM emv_rates WHERE workspace_id = ? "
                          f"AND platform IN ({marks})", [ws.id, *platforms])
    return sum(1 for p, a in rows if (p, a) not in kept)


def _compare_codes(ws: Workspace, order_ids: list[str], frame: pd.DataFrame) -> TableChange:
    """Each order's codes are replaced as a set: counted per order, as the import does."""
    ids = sorted(set(order_ids))
    old: dict[str, set[str]] = {}
    for chunk in _chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        for oid, code in ws.store.fetch(f"SELECT order_id, code FROM order_codes WHERE "
                                        f"workspace_id = ? AND order_id IN ({marks})",
                                        [ws.id, *chunk]):
            old.setdefault(oid, set()).add(code)
    new: dict[str, set[str]] = {}
    for oid, code in zip(frame["order_id"], frame["code"], strict=True):
        new.setdefault(oid, set()).add(code)
    added = changed = unchanged = 0
    for oid in ids:
        before, after = old.get(oid, set()), new.get(oid, set())
        if before != after:
            if oid in old:
                changed += 1
            else:
                added += 1
        elif before:
            unchanged += 1
    return TableChange("order_codes", added, changed, unchanged)


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def _norm(value: Any) -> Any:
    """One representation per value, whichever side (a parsed frame or a store row) it came
    from: missing as None, instants as UTC ``Timestamp``, numpy scalars as Python values."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, datetime):
        ts = pd.Timestamp(value)
        return ts.tz_convert("UTC") if ts.tzinfo else ts.tz_localize("UTC")
    if isinstance(value, Decimal):
        return value.normalize() if value.is_finite() else value
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, str | bytes):
        return _norm(item())
    return value


# -- commit --------------------------------------------------------------------------------
def commit(ws: Workspace, staged_id: str, lang: str | None, upload_dir: Path) -> ImportReport:
    """Import the staged file (all or nothing; importing it again changes nothing), then
    delete its data and keep a receipt. Committing again answers the receipt.

    Raises ``NotFoundError``, or ``ImportFailed`` naming the file as the user named it; the
    staged file is then deleted too, as the same bytes can only fail the same way.
    """
    done = result(ws, staged_id, upload_dir)
    if done is not None:
        return done
    staged = load(ws, staged_id, upload_dir)
    try:
        report = ws.import_file(staged.kind, staged.path, encoding=staged.encoding, lang=lang)
    except ImportFailed as exc:
        shutil.rmtree(staged.folder, ignore_errors=True)
        raise ImportFailed(staged.original, [_named(e, staged.original) for e in exc.errors],
                           exc.total) from None
    report = replace(report, file=staged.original)  # never the server's staging path
    (staged.folder / RECEIPT).write_text(json.dumps({
        "kind": report.kind, "file": report.file, "rows_read": report.rows_read,
        "new": report.new, "changed": report.changed, "warnings": report.warnings,
        "created_at": staged.created_at.isoformat()}), encoding="utf-8")
    staged.path.unlink(missing_ok=True)
    return report


def result(ws: Workspace, staged_id: str, upload_dir: Path,
           now: datetime | None = None) -> ImportReport | None:
    """The report of a committed upload, while its receipt lasts; None otherwise."""
    from creatorroi.workspace import ImportReport

    try:
        folder = _folder(ws, staged_id, upload_dir)
        data = json.loads((folder / RECEIPT).read_text(encoding="utf-8"))
    except (NotFoundError, OSError, ValueError):
        return None
    if _expired(datetime.fromisoformat(data["created_at"]), now or datetime.now(UTC)):
        return None
    return ImportReport(data["kind"], data["file"], int(data["rows_read"]), int(data["new"]),
                        int(data["changed"]), list(data["warnings"]))


__all__ = ["EXPIRES", "Preview", "Staged", "TableChange", "UploadRejected", "commit",
           "compare", "discard", "extensions", "load", "preview", "result", "safe_name",
           "stage", "sweep"]
