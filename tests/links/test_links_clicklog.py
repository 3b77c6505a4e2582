"""The click log: codec, torn and corrupt lines, segments, ids, write failures."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creatorroi.links.clicklog import (
    ClickLog,
    ClickLogError,
    ClickReader,
    ClickRecord,
    decode_record,
    encode_record,
    iso_utc,
    new_click_id,
    read_clicks,
    scan_clicks,
    sealed_segments,
    segments,
    utc_from_ns,
)


def record(i: int = 0, **kw: object) -> ClickRecord:
    fields: dict[str, object] = {
        "id": new_click_id(), "slug": "giulia",
        "clicked_at": datetime(2025, 3, 1, 9, 30, i % 60, 123456, tzinfo=UTC),
        "visitor_hash": "ab" * 32, "user_agent": "Mozilla/5.0", "referrer": None,
        "is_bot": False, "bot_reason": None, "workspace_id": "ws", "asset_id": "a1"}
    fields.update(kw)
    return ClickRecord(**fields)  # type: ignore[arg-type]


def write(log_dir: Path, records: list[ClickRecord]) -> ClickLog:
    log = ClickLog(log_dir)
    log.write_batch([encode_record(r) for r in records])
    return log


texts = st.text(max_size=200)
records = st.builds(
    ClickRecord, id=texts, slug=texts,
    clicked_at=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9998, 1, 1),
                            timezones=st.just(UTC)),
    visitor_hash=st.none() | texts, user_agent=st.none() | texts, referrer=st.none() | texts,
    is_bot=st.booleans(), bot_reason=st.none() | texts, workspace_id=texts, asset_id=texts)


@given(records)
def test_codec_round_trips_any_record(rec: ClickRecord) -> None:
    line = encode_record(rec)
    assert line.endswith(b"\n") and line.count(b"\n") == 1 and line.isascii()
    assert decode_record(line) == rec


@given(records, st.integers(min_value=0), st.integers(min_value=0, max_value=255))
def test_any_single_byte_change_is_detected(rec: ClickRecord, pos: int, value: int) -> None:
    line = bytearray(encode_record(rec))
    i = pos % (len(line) - 1)
    if line[i] == value:
        return
    line[i] = value
    try:
        decoded = decode_record(bytes(line))
    except (ValueError, TypeError):
        return
    # CRC32 catches every single-byte error; the only survivors are no-ops like a
    # different but equal hex case in the checksum.
    assert decoded == rec


def test_iso_utc_matches_datetime() -> None:
    for ns in (0, 1_700_000_000_123_456_789, 1_700_000_000_000_000_000, 4_102_444_800 * 10**9):
        assert datetime.fromisoformat(iso_utc(ns)) == utc_from_ns(ns)


def test_torn_last_line_is_skipped_and_counted(log_dir: Path) -> None:
    recs = [record(i) for i in range(3)]
    write(log_dir, recs).close()
    [seg] = segments(log_dir)
    with open(seg, "ab") as f:
        f.write(encode_record(record(9))[:40])  # kill -9 in the middle of a write
    got, skipped = scan_clicks(log_dir)
    assert got == recs and skipped == 1


def test_corrupt_line_in_the_middle_is_skipped_neighbours_kept(log_dir: Path) -> None:
    recs = [record(i) for i in range(3)]
    write(log_dir, recs).close()
    [seg] = segments(log_dir)
    data = bytearray(seg.read_bytes())
    second = data.index(b"\n") + 30
    data[second] ^= 0x01
    seg.write_bytes(bytes(data) + b"\n" + b"garbage without checksum\n")
    got, skipped = scan_clicks(log_dir)
    assert got == [recs[0], recs[2]] and skipped == 2
    reader = ClickReader(log_dir)
    assert list(reader) == got and reader.skipped == 2
    assert list(read_clicks(log_dir)) == got


def test_a_failed_write_starts_a_new_segment(log_dir: Path) -> None:
    log = ClickLog(log_dir)
    log.write_batch([encode_record(record(0))])
    first = log.path
    assert first is not None
    segment_fd = log._fd
    assert segment_fd is not None
    log._fd = os.open("/dev/full", os.O_WRONLY)  # the disk fills up: ENOSPC
    with pytest.raises(ClickLogError, match="No space"):
        log.write_batch([encode_record(record(1))])
    os.close(segment_fd)
    log.write_batch([encode_record(record(2))])
    assert log.path != first
    got, skipped = scan_clicks(log_dir)
    assert [r.clicked_at.second for r in got] == [0, 2] and skipped == 0
    log.close()


def test_segments_rotate_and_only_dead_ones_are_sealed(log_dir: Path) -> None:
    log = ClickLog(log_dir, segment_bytes=1000)
    for i in range(10):
        log.write_batch([encode_record(record(i))])
    segs = segments(log_dir)
    assert len(segs) >= 3
    sealed = sealed_segments(log_dir)
    assert len(sealed) in (len(segs), len(segs) - 1)  # the open one (if any) is not sealed
    log.close()
    assert sealed_segments(log_dir) == segments(log_dir)
    assert len(scan_clicks(log_dir)[0]) == 10


def test_a_killed_writer_leaves_a_sealed_segment(log_dir: Path) -> None:
    code = (
        "import os, sys; from creatorroi.links.clicklog import ClickLog; "
        f"log = ClickLog({str(log_dir)!r}); log.open(); print('ready', flush=True); "
        "sys.stdin.read()")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
    assert len(segments(log_dir)) == 1 and sealed_segments(log_dir) == []
    proc.kill()
    proc.wait()
    assert sealed_segments(log_dir) == segments(log_dir)


def test_click_ids_are_unique_url_safe_and_time_ordered() -> None:
    ids = [new_click_id() for _ in range(50_000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-v]{23}", i) for i in ids)
    assert ids == sorted(ids)
    assert new_click_id(2_000_000_000_000_000_000) > new_click_id(1_000_000_000_000_000_000)


def test_click_ids_differ_across_forked_workers() -> None:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.write(w, new_click_id(10**18).encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(r, 100).decode()
    os.close(r)
    os.close(w)
    mine = new_click_id(10**18)
    assert child[:10] == mine[:10] and child[10:18] != mine[10:18]


def test_group_commit_through_the_event_loop(log_dir: Path) -> None:
    log = ClickLog(log_dir)

    async def many() -> None:
        await asyncio.gather(*[log.append(encode_record(record(i))) for i in range(500)])

    asyncio.run(many())
    assert log.records == 500 and log.batches <= 5
    asyncio.run(log.aclose())
    assert len(scan_clicks(log_dir)[0]) == 500 and sealed_segments(log_dir)


def test_a_forked_child_writes_its_own_segment_and_frees_the_parents(log_dir: Path) -> None:
    log = ClickLog(log_dir)
    log.write_batch([encode_record(record(0))])
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            log.write_batch([encode_record(record(1))])
            os._exit(0 if log.path is not None and str(os.getpid()) in log.path.name else 1)
        finally:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert len(segments(log_dir)) == 2
    assert len(sealed_segments(log_dir)) == 1  # the child's; ours is still being written
    log.close()
    assert len(scan_clicks(log_dir)[0]) == 2
