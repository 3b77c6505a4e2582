"""Staged uploads (creatorroi.uploads) without HTTP: checks, preview counts, commit, expiry.

Expected counts come from the files themselves (read with the csv module) or from the import
report of the same file, never from the code under test.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creatorroi import uploads
from creatorroi.demo_data import BRAND, generate
from creatorroi.errors import ImportFailed, NotFoundError
from creatorroi.uploads import UploadRejected
from creatorroi.workspace import App, Workspace, open_store

import world

DATA = Path(__file__).parent / "data"
EXPORT = DATA / "shopify_orders_export.csv"
MiB = 1 << 20


@pytest.fixture
def app(store_url: str) -> Iterator[App]:
    a = open_store(store_url)
    world.build(a, "w")
    a.create_workspace("other", "Other brand", "USD", "America/New_York", "en")
    yield a
    a.close()


@pytest.fixture
def ws(app: App) -> Workspace:
    return app.workspace("w")


def export_records() -> list[list[str]]:
    with EXPORT.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def count(ws: Workspace, table: str) -> int:
    return int(ws.store.fetch(f"SELECT count(*) FROM {table} WHERE workspace_id = ?",
                              [ws.id])[0][0])


def write_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def stage(ws: Workspace, kind: str, name: str, data: bytes, up: Path,
          **kw: object) -> uploads.Staged:
    return uploads.stage(ws, kind, name, data, up, 5 * MiB, **kw)  # type: ignore[arg-type]


# -- preview and commit --------------------------------------------------------------------
def test_preview_counts_distinct_orders_and_writes_nothing(ws: Workspace, tmp_path: Path
                                                           ) -> None:
    records = export_records()
    header, body = records[0], records[1:]
    orders = {r[header.index("Name")] for r in body}
    before = (count(ws, "orders"), ws.store.revision(ws.id))
    staged = stage(ws, "shopify-orders", EXPORT.name, EXPORT.read_bytes(), tmp_path)
    pv = uploads.preview(ws, staged, "en")
    assert pv.ok and pv.rows_read == len(body)
    assert (pv.new, pv.changed, pv.unchanged) == (len(orders), 0, 0)
    assert (count(ws, "orders"), ws.store.revision(ws.id)) == before
    report = uploads.commit(ws, staged.id, "en", tmp_path)
    assert (report.new, report.changed, report.rows_read) == (len(orders), 0, len(body))
    assert report.file == EXPORT.name          # never the server's staging path
    assert count(ws, "orders") == before[0] + len(orders)
    assert not staged.path.exists()


def test_a_changed_order_is_counted_as_changed_like_the_import_does(
        ws: Workspace, tmp_path: Path) -> None:
    ws.import_file("shopify-orders", EXPORT)
    records = export_records()
    header = records[0]
    first = next(i for i, r in enumerate(records) if r[0] == "#1009" and r[8])
    records[first][header.index("Subtotal")] = "50.00"       # was 57.60
    records[first][header.index("Discount Code")] = ""       # its code set changes too
    staged = stage(ws, "shopify-orders", "again.csv", write_csv(records), tmp_path)
    pv = uploads.preview(ws, staged, "en")
    by = {t.table: t for t in pv.tables}
    assert (by["orders"].new, by["orders"].changed, by["orders"].unchanged) == (0, 1, 11)
    assert (by["order_codes"].changed, by["order_codes"].unchanged) == (1, 4)
    report = uploads.commit(ws, staged.id, "en", tmp_path)
    assert (report.new, report.changed) == (pv.new, pv.changed) == (0, 2)


def test_reimporting_the_same_file_changes_nothing(ws: Workspace, tmp_path: Path) -> None:
    data = EXPORT.read_bytes()
    first = uploads.commit(ws, stage(ws, "shopify-orders", "a.csv", data, tmp_path).id,
                           "en", tmp_path)
    staged = stage(ws, "shopify-orders", "a.csv", data, tmp_path)
    pv = uploads.preview(ws, staged, "en")
    assert (pv.new, pv.changed, pv.unchanged) == (0, 0, first.new)
    again = uploads.commit(ws, staged.id, "en", tmp_path)
    assert (again.new, again.changed) == (0, 0)


def test_preview_equals_commit_for_every_demo_export(app: App, tmp_path: Path) -> None:
    """Every kind the demo brand writes: the preview's counts are the import report's."""
    files = generate(tmp_path / "demo", scale=0.02)
    ws = app.create_workspace("demo", "Demo", BRAND["currency"], BRAND["timezone"],
                              BRAND["locale"])
    up = tmp_path / "up"
    for kind, path in files.files:
        data = path.read_bytes()
        pv = uploads.preview(ws, stage(ws, kind, path.name, data, up, encoding=None), "en")
        assert pv.ok, (kind, pv.errors[:3])
        report = uploads.commit(ws, pv.staged.id, "en", up)
        assert (pv.new, pv.changed) == (report.new, report.changed), kind
        again = uploads.preview(ws, stage(ws, kind, path.name, data, up), "en")
        rows = sum(t.new + t.changed + t.unchanged for t in pv.tables
                   if t.table != "order_codes")
        assert (again.new, again.changed, again.unchanged) == (0, 0, rows), kind


def test_an_emv_card_preview_names_the_rows_it_replaces(ws: Workspace, tmp_path: Path
                                                         ) -> None:
    # world.build gave instagram a card of two actions (impressions, likes)
    data = b"platform,action,rate,currency\ninstagram,likes,0.20,EUR\n"
    pv = uploads.preview(ws, stage(ws, "emv_rates", "card.csv", data, tmp_path), "en")
    [change] = pv.tables
    assert (change.new, change.changed, change.unchanged, change.removed) == (0, 1, 0, 1)
    uploads.commit(ws, pv.staged.id, "en", tmp_path)
    assert ws.store.fetch("SELECT action FROM emv_rates WHERE workspace_id = 'w' AND "
                          "platform = 'instagram'") == [("likes",)]


def test_bad_cells_are_listed_under_the_users_file_name_in_her_language(
        ws: Workspace, tmp_path: Path) -> None:
    records = export_records()
    header = records[0]
    row = next(i for i, r in enumerate(records) if r[0] == "#1003")
    records[row][header.index("Created at")] = "yesterday"
    staged = stage(ws, "shopify-orders", "ordini.csv", write_csv(records), tmp_path)
    pv = uploads.preview(ws, staged, "it")
    assert not pv.ok and pv.total_errors == 1
    [e] = pv.errors
    assert (e.file, e.row, e.column, e.reason) == (
        "ordini.csv", row + 1, "Created at", "'yesterday' non è una data e ora")
    with pytest.raises(ImportFailed) as err:
        uploads.commit(ws, staged.id, "en", tmp_path)
    assert err.value.errors[0].file == "ordini.csv"
    with pytest.raises(NotFoundError):  # nothing to retry: the same bytes fail the same way
        uploads.load(ws, staged.id, tmp_path)


# -- where staged files live ---------------------------------------------------------------
def test_staged_ids_belong_to_their_workspace(app: App, ws: Workspace, tmp_path: Path
                                              ) -> None:
    staged = stage(ws, "shopify-orders", "a.csv", EXPORT.read_bytes(), tmp_path)
    assert staged.path.parent.parent == tmp_path / "w"
    other = app.workspace("other")
    with pytest.raises(NotFoundError):
        uploads.load(other, staged.id, tmp_path)
    with pytest.raises(NotFoundError):
        uploads.commit(other, staged.id, "en", tmp_path)
    assert not uploads.discard(other, staged.id, tmp_path)
    for bogus in ("../w/" + staged.id, staged.id + "/..", "x" * 8, ""):
        with pytest.raises(NotFoundError):
            uploads.load(ws, bogus, tmp_path)
    assert uploads.load(ws, staged.id, tmp_path).sha256 == \
        hashlib.sha256(EXPORT.read_bytes()).hexdigest()


def test_committing_twice_answers_the_first_result(ws: Workspace, tmp_path: Path) -> None:
    staged = stage(ws, "shopify-orders", "a.csv", EXPORT.read_bytes(), tmp_path)
    first = uploads.commit(ws, staged.id, "en", tmp_path)
    revision = ws.store.revision(ws.id)
    assert uploads.commit(ws, staged.id, "en", tmp_path) == first
    assert ws.store.revision(ws.id) == revision
    assert uploads.result(ws, staged.id, tmp_path) == first
    assert uploads.discard(ws, staged.id, tmp_path)
    with pytest.raises(NotFoundError):
        uploads.commit(ws, staged.id, "en", tmp_path)


def test_staged_files_expire_after_a_day(ws: Workspace, tmp_path: Path) -> None:
    t0 = datetime(2024, 3, 1, 12, tzinfo=UTC)
    old = stage(ws, "shopify-orders", "a.csv", EXPORT.read_bytes(), tmp_path, now=t0)
    fresh = stage(ws, "shopify-orders", "b.csv", EXPORT.read_bytes(), tmp_path,
                  now=t0 + timedelta(hours=23))
    assert old.folder.is_dir()
    stage(ws, "shopify-orders", "c.csv", EXPORT.read_bytes(), tmp_path,
          now=t0 + timedelta(hours=25))
    assert not old.folder.exists() and fresh.folder.is_dir()
    with pytest.raises(NotFoundError):
        uploads.load(ws, fresh.id, tmp_path, now=t0 + timedelta(hours=48))


# -- what is refused -----------------------------------------------------------------------
def rejected(ws: Workspace, tmp_path: Path, kind: str, name: str, data: bytes,
             **kw: object) -> UploadRejected:
    with pytest.raises(UploadRejected) as err:
        uploads.stage(ws, kind, name, data, tmp_path, 4096, **kw)  # type: ignore[arg-type]
    folder = tmp_path / "w"
    assert not folder.exists() or not any(folder.iterdir())  # nothing was kept
    return err.value


CSV = b"id,name,aliases,country\ngiulia,Giulia Rossi,,IT\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


@pytest.mark.parametrize(("kind", "name", "data", "code", "field"), [
    ("orders", "a.csv", CSV * 200, "too_large", "file"),
    ("orders", "a.csv", b"", "empty", "file"),
    ("orders", "a.csv", b" \r\n\xef\xbb\xbf", "empty", "file"),
    ("posters", "a.csv", CSV, "unknown_kind", "kind"),
    ("influencers", "setup.exe", CSV, "unsupported_type", "file"),
    ("influencers", "photo.png", PNG, "unsupported_type", "file"),
    ("influencers", "photo.csv", PNG, "unsupported_type", "file"),
    ("influencers", "noextension", CSV, "unsupported_type", "file"),
    ("influencers", "sheet.xlsx", CSV, "unsupported_type", "file"),
    ("influencers", "old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
     "unsupported_type", "file"),
    ("influencers", "report.json", b'{"rows": []}', "unsupported_type", "file"),
    ("influencers", "noise.csv", random.Random(5).randbytes(3000), "unsupported_type",
     "file"),
])
def test_refusals_say_why(ws: Workspace, tmp_path: Path, kind: str, name: str, data: bytes,
                          code: str, field: str) -> None:
    err = rejected(ws, tmp_path, kind, name, data)
    assert (err.code, err.field) == (code, field)


def test_an_unknown_or_wrong_encoding_is_refused(ws: Workspace, tmp_path: Path) -> None:
    err = rejected(ws, tmp_path, "influencers", "a.csv", CSV, encoding="klingon")
    assert (err.code, err.field, err.values) == ("bad_encoding", "encoding",
                                                  {"encoding": "klingon"})
    for codec in ("base64", "idna", "undefined", "utf-8\x00", "\udcff"):
        err = rejected(ws, tmp_path, "influencers", "a.csv", CSV, encoding=codec)
        assert (err.code, err.field) == ("bad_encoding", "encoding"), codec
    latin = "id,name\nnicco,Niccolò Ferrè\n".encode("latin-1")
    err = rejected(ws, tmp_path, "influencers", "a.csv", latin, encoding="utf-8", lang="it")
    assert (err.code, err.field) == ("bad_encoding", "encoding")
    assert "non è un testo utf-8 valido" in str(err.values["reason"])


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "cp1252"])
def test_legacy_and_utf16_text_is_read(ws: Workspace, tmp_path: Path, encoding: str) -> None:
    text = "id,name,aliases,country\nnicco,Niccolò Ferrè,Nicco|Ferrè,IT\nchiara,Chiara Gallò,,IT\n"
    staged = stage(ws, "influencers", "people.csv", text.encode(encoding), tmp_path)
    pv = uploads.preview(ws, staged, "en")
    assert pv.ok and (pv.new, pv.rows_read) == (2, 2)
    uploads.commit(ws, staged.id, "en", tmp_path)
    assert ws.store.fetch("SELECT name FROM influencers WHERE workspace_id = 'w' AND "
                          "id = 'nicco'") == [("Niccolò Ferrè",)]


def test_a_workbook_and_ga4_json_are_accepted(ws: Workspace, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in csv.reader(io.StringIO(CSV.decode())):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    pv = uploads.preview(ws, stage(ws, "influencers", "people.xlsx", out.getvalue(),
                                   tmp_path), "en")
    assert pv.ok and (pv.new, pv.changed, pv.unchanged) == (0, 0, 1)  # world.py has giulia
    data = (DATA / "ga4_runreport.json").read_bytes()
    pv = uploads.preview(ws, stage(ws, "ga4", "report.json", data, tmp_path), "en")
    assert pv.ok and pv.new > 0


# -- the file name sanitiser ---------------------------------------------------------------
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_safe_name_never_escapes_the_folder_and_is_never_empty(tmp_path: Path, name: str
                                                                ) -> None:
    safe = uploads.safe_name(name)
    assert safe and safe.strip() == safe
    assert not safe.startswith(".") and safe not in (".", "..")
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert len(safe.encode("utf-8")) <= uploads.MAX_NAME_BYTES
    assert (tmp_path / safe).resolve().parent == tmp_path.resolve()
    assert uploads.safe_name(safe) == safe  # stable: a stored name stays as it is


@pytest.mark.parametrize(("given", "expected"), [
    ("orders_export_1.csv", "orders_export_1.csv"),
    ("C:\\Users\\giulia\\Desktop\\ordini marzo.CSV", "ordini marzo.csv"),
    ("../../etc/passwd", "passwd"),
    ("..", "upload"),
    (".env", "env"),
    ("주문 내역.xlsx", "주문 내역.xlsx"),
    ("<script>alert(1)<script>.csv", "_script_alert(1)_script_.csv"),
    ("CON.csv", "_CON.csv"),
    ("", "upload"),
    ("a" * 400 + ".csv", "a" * 146 + ".csv"),
])
def test_safe_name_examples(given: str, expected: str) -> None:
    assert uploads.safe_name(given) == expected
