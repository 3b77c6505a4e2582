"""The imports page and API through the real app, on both stores: upload, preview, commit.

Expected numbers are counted from the uploaded files with the csv module, and rows in the store
are counted before and after, so "nothing was written" is checked, not assumed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from conftest import Web, WebWorld, csrf_of

DATA = Path(__file__).parent.parent / "data"
EXPORT = DATA / "shopify_orders_export.csv"
KIND = "shopify-orders"


@pytest.fixture
def web(web_world: WebWorld, tmp_path: Path) -> Iterator[Web]:
    w = Web(web_world, upload_dir=tmp_path / "uploads")
    yield w
    w.close()


def records(path: Path = EXPORT) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def distinct_orders(rows: list[list[str]]) -> int:
    name = rows[0].index("Name")
    return len({r[name] for r in rows[1:]})


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def orders_in_store(web: Web) -> int:
    with web.server.lock:
        return int(web.server.store.fetch(
            "SELECT count(*) FROM orders WHERE workspace_id = 'w'")[0][0])


def upload(c: Any, data: bytes, name: str = "orders_export.csv", kind: str = KIND,
           encoding: str = "", ws: str = "w", token: str | None = None) -> Any:
    if token is None:
        token = csrf_of(c.get(f"/w/{ws}/imports").text)
    return c.post(f"/w/{ws}/imports", data={"kind": kind, "encoding": encoding,
                                            "csrf_token": token},
                  files={"file": (name, data, "application/octet-stream")})


def upload_id(html: str) -> str:
    match = re.search(r'/imports/([A-Za-z0-9_-]+)/commit"', html)
    assert match, "the preview offers no Import button"
    return match.group(1)


def commit(c: Any, html: str, ws: str = "w") -> Any:
    return c.post(f"/w/{ws}/imports/{upload_id(html)}/commit",
                  data={"csrf_token": csrf_of(html)}, follow_redirects=False)


def summary(html: str) -> tuple[int, int]:
    match = re.search(r'class="summary" data-new="(\d+)" data-changed="(\d+)"', html)
    assert match, html
    return int(match.group(1)), int(match.group(2))


def bad_cells(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr class="bad-cell" data-row="(\d*)" data-column="([^"]*)">', html)


# -- the whole path ------------------------------------------------------------------------
def test_a_shopify_export_is_previewed_then_imported(web: Web) -> None:
    rows = records()
    expected = distinct_orders(rows)            # 12 orders over 16 line-item rows
    before = orders_in_store(web)
    c = web.client("analyst")
    r = upload(c, EXPORT.read_bytes())
    assert r.status_code == 200
    assert summary(r.text) == (expected, 0)
    assert f"{len(rows) - 1} rows read" in r.text
    assert orders_in_store(web) == before       # a preview writes nothing
    done = commit(c, r.text)
    assert done.status_code == 303
    assert done.headers["location"].startswith("/w/w/imports?done=")
    assert orders_in_store(web) == before + expected
    page = c.get(done.headers["location"])
    assert f"Imported orders_export.csv: {len(rows) - 1} rows read, {expected} new, " \
           "0 changed." in page.text
    export = c.get("/w/w/imports?format=csv&table=history")
    assert export.headers["content-type"].startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert (row["kind"], row["file"], row["rows_read"], row["new"], row["changed"]) == (
        KIND, "orders_export.csv", str(len(rows) - 1), str(expected), "0")
    assert row["sha256"] == hashlib.sha256(EXPORT.read_bytes()).hexdigest()[:12]


def test_the_same_file_again_changes_nothing(web: Web) -> None:
    c = web.client("analyst")
    data = EXPORT.read_bytes()
    commit(c, upload(c, data).text)
    stored = orders_in_store(web)
    again = upload(c, data)
    assert summary(again.text) == (0, 0)
    done = commit(c, again.text)
    assert "rows read, 0 new, 0 changed." in c.get(done.headers["location"]).text
    assert orders_in_store(web) == stored
    history = c.get("/api/w/w/imports").json()["tables"][0]["rows"]
    assert [(h["new"], h["changed"]) for h in history] == [(0, 0), (distinct_orders(
        records()), 0)]                           # newest first


def test_bad_cells_are_listed_by_row_and_column_and_nothing_is_written(web: Web) -> None:
    rows = records()
    header = rows[0]
    # the spreadsheet row of a record: the header is row 1 (#1007's note spans lines)
    date_row = next(i for i, r in enumerate(rows) if r[0] == "#1003") + 1
    money_row = next(i for i, r in enumerate(rows) if r[0] == "#1007") + 1
    rows[date_row - 1][header.index("Created at")] = "yesterday"
    rows[money_row - 1][header.index("Subtotal")] = "59,00,0"
    before = orders_in_store(web)
    c = web.client("analyst")
    r = upload(c, as_csv(rows))
    assert r.status_code == 422
    assert bad_cells(r.text) == [(str(date_row), "Created at"), (str(money_row), "Subtotal")]
    assert str(escape("'yesterday' is not a date and time")) in r.text
    assert "/commit" not in r.text                 # nothing to import; upload again instead
    assert 'enctype="multipart/form-data"' in r.text
    assert orders_in_store(web) == before
    fixed = upload(c, EXPORT.read_bytes())
    assert commit(c, fixed.text).status_code == 303
    assert orders_in_store(web) == before + distinct_orders(records())


def test_bad_cells_read_in_the_users_language(web: Web) -> None:
    rows = records()
    row = next(i for i, r in enumerate(rows) if r[0] == "#1003")
    rows[row][rows[0].index("Created at")] = "ieri"
    c = web.client("analyst")
    c.cookies.set("cr_lang", "it")
    r = upload(c, as_csv(rows))
    assert r.status_code == 422 and 'lang="it"' in r.text
    assert str(escape("'ieri' non è una data e ora")) in r.text


def test_a_file_name_is_shown_escaped(web: Web) -> None:
    name = "<script>alert(1)</script>.csv"   # (a browser's client escapes '"' itself)
    c = web.client("analyst")
    r = upload(c, b"id,name\nmarta,Marta\n", name=name, kind="influencers")
    assert r.status_code == 200
    assert "<script>alert" not in r.text
    assert str(escape(name)) in r.text
    page = c.get(commit(c, r.text).headers["location"])
    assert "<script>alert" not in page.text and str(escape(name)) in page.text


# -- refusals ------------------------------------------------------------------------------
def staged_folders(web: Web) -> list[Path]:
    root = web.server.config.upload_dir / "w"
    return [p for p in root.iterdir() if (p / ".staged.json").exists()] if root.exists() \
        else []


def test_an_upload_over_the_limit_is_refused_with_413(web_world: WebWorld, tmp_path: Path
                                                      ) -> None:
    web = Web(web_world, max_upload_bytes=2048, upload_dir=tmp_path / "up")
    try:
        c = web.client("analyst")
        token = csrf_of(c.get("/w/w/imports").text)
        body = b"id,name\n" + b"x,y\n" * 1500                  # 6 KB: just over
        r = upload(c, body, kind="influencers", token=token)
        assert r.status_code == 413
        assert "2 KiB" in r.text
        huge = b"id,name\n" + b"x,y\n" * 50_000               # 200 KB: refused by its length
        assert upload(c, huge, kind="influencers", token=token).status_code == 413
        # a client that lies about the length is stopped by counting what arrives
        boundary = "cr-test-boundary"
        parts = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                 f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"kind\""
                 f"\r\n\r\ninfluencers\r\n--{boundary}\r\nContent-Disposition: form-data; "
                 f"name=\"file\"; filename=\"a.csv\"\r\n\r\n").encode() + huge + \
            f"\r\n--{boundary}--\r\n".encode()
        kind = f"multipart/form-data; boundary={boundary}"
        r = c.post("/w/w/imports", content=parts,
                   headers={"content-type": kind, "content-length": "100"})
        assert r.status_code == 413
        r = c.post("/w/w/imports", content=iter([parts[:1000], parts[1000:]]),
                   headers={"content-type": kind})    # chunked: no length at all
        assert r.status_code == 413
        api = web.api("analyst")
        r = api.post("/api/w/w/imports?kind=influencers", files={"file": ("a.csv", body)})
        assert r.status_code == 413 and r.json()["field"] == "file"
        assert staged_folders(web) == []
    finally:
        web.close()


@pytest.mark.parametrize(("name", "data"), [
    ("setup.exe", b"MZ\x90\x00" + bytes(300)),
    ("chart.png", b"\x89PNG\r\n\x1a\n" + bytes(300)),
    ("chart.csv", b"\x89PNG\r\n\x1a\n" + bytes(300)),
    ("orders.xlsx", b"id,name\nx,y\n"),
])
def test_files_that_are_not_spreadsheets_are_refused_with_415(web: Web, name: str,
                                                              data: bytes) -> None:
    c = web.client("analyst")
    r = upload(c, data, name=name, kind="influencers")
    assert r.status_code == 415
    assert 'data-field="file"' in r.text
    assert staged_folders(web) == []


def test_random_bytes_are_refused_and_legacy_encodings_are_read(web: Web) -> None:
    c = web.client("analyst")
    noise = random.Random(11).randbytes(5000)
    assert upload(c, noise, name="noise.csv", kind="influencers").status_code == 415
    text = "id,name,aliases,country\nnicco,Niccolò Ferrè,,IT\nsoo,김수현,,KR\n"
    latin = "id,name,aliases,country\nnicco,Niccolò Ferrè,,IT\n".encode("latin-1")
    for data in (latin, text.encode("utf-16")):
        r = upload(c, data, name="people.csv", kind="influencers")
        assert r.status_code == 200, r.text
        assert commit(c, r.text).status_code == 303
    with web.server.lock:
        names = dict(web.server.store.fetch(
            "SELECT id, name FROM influencers WHERE workspace_id = 'w' AND id IN "
            "('nicco', 'soo')"))
    assert names == {"nicco": "Niccolò Ferrè", "soo": "김수현"}


def test_an_unknown_encoding_kind_or_an_empty_file_is_refused_with_422(web: Web) -> None:
    c = web.client("analyst")
    r = upload(c, b"id,name\nx,y\n", kind="influencers", encoding="klingon")
    assert r.status_code == 422 and 'data-field="encoding"' in r.text
    assert "klingon" in r.text
    r = upload(c, b"id,name\nx,y\n", kind="posters")
    assert r.status_code == 422 and 'data-field="kind"' in r.text
    r = upload(c, b"", kind="influencers")
    assert r.status_code == 422 and 'data-field="file"' in r.text
    api = web.api("analyst")
    r = api.post("/api/w/w/imports?kind=posters", files={"file": ("a.csv", b"id\nx\n")})
    assert r.status_code == 422 and r.json()["field"] == "kind"
    r = api.post("/api/w/w/imports", files={"file": ("a.csv", b"id\nx\n")})
    assert r.status_code == 422 and r.json()["field"] == "kind"


# -- who may ---------------------------------------------------------------------------------
def test_viewers_read_the_history_but_cannot_upload(web: Web) -> None:
    v = web.client("viewer")
    page = v.get("/w/w/imports")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' not in page.text
    r = upload(v, EXPORT.read_bytes(), token=csrf_of(page.text))
    assert r.status_code == 403
    assert web.api("viewer").post(f"/api/w/w/imports?kind={KIND}",
                                  files={"file": ("a.csv", b"x")}).status_code == 403


def test_outsiders_get_404_and_a_missing_csrf_token_403(web: Web) -> None:
    o = web.client("outsider")
    token = csrf_of(o.get("/w/other/imports").text)
    assert o.get("/w/w/imports").status_code == 404
    assert upload(o, EXPORT.read_bytes(), token=token).status_code == 404
    a = web.client("analyst")
    a.get("/w/w/imports")
    r = a.post("/w/w/imports", data={"kind": KIND},
               files={"file": ("a.csv", EXPORT.read_bytes())})
    assert r.status_code == 403
    assert staged_folders(web) == []


def test_an_upload_id_works_only_in_its_workspace_and_only_once(web: Web) -> None:
    a = web.client("analyst")
    preview = upload(a, EXPORT.read_bytes())
    sid = upload_id(preview.text)
    o = web.client("outsider")                       # owner of "other"
    token = csrf_of(o.get("/w/other/imports").text)
    r = o.post(f"/w/other/imports/{sid}/commit", data={"csrf_token": token})
    assert r.status_code == 404
    before = orders_in_store(web)
    assert orders_in_store(web) == before
    first = commit(a, preview.text)
    again = commit(a, preview.text)                  # a double click answers the same result
    assert first.headers["location"] == again.headers["location"]
    assert orders_in_store(web) == before + distinct_orders(records())
    other = upload(a, EXPORT.read_bytes())
    r = a.post(f"/w/w/imports/{upload_id(other.text)}/discard",
               data={"csrf_token": csrf_of(other.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert commit(a, other.text).status_code == 404


# -- the API ---------------------------------------------------------------------------------
def test_api_dry_run_import_and_bad_cells(web: Web) -> None:
    api = web.api("analyst")
    expected = distinct_orders(records())
    before = orders_in_store(web)
    r = api.post(f"/api/w/w/imports?kind={KIND}&dry_run=true",
                 files={"file": ("orders.csv", EXPORT.read_bytes())})
    assert r.status_code == 200
    body = r.json()
    assert (body["new"], body["changed"], body["rows_read"]) == (expected, 0, 16)
    assert orders_in_store(web) == before and staged_folders(web) == []
    r = api.post(f"/api/w/w/imports?kind={KIND}",
                 files={"file": ("orders.csv", EXPORT.read_bytes())})
    assert r.status_code == 201
    assert (r.json()["new"], r.json()["file"]) == (expected, "orders.csv")
    rows = records()
    row = next(i for i, r in enumerate(rows) if r[0] == "#1003")
    rows[row][rows[0].index("Subtotal")] = "abc"
    r = api.post(f"/api/w/w/imports?kind={KIND}", files={"file": ("bad.csv", as_csv(rows))})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"file": "bad.csv", "row": row + 1, "column": "Subtotal",
                                   "reason": "'abc' is not a number"}]
    assert orders_in_store(web) == before + expected
    history = web.api("viewer").get("/api/w/w/imports").json()
    assert [h["file"] for h in history["tables"][0]["rows"]] == ["orders.csv"]
