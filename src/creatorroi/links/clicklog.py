"""The click log: every redirect answered is on disk before the answer leaves.

What "acknowledged" means
-------------------------
A click is acknowledged when the client receives the ``302`` redirect. The service sends that
302 only after the click's record has been written to the log file and, with ``fsync: true``
(the default), ``fdatasync``-ed (the segment's directory entry was fsynced when the segment
was created). So every click whose 302 a client received survives a ``kill -9`` of the
service, a crash of the machine and a power loss (on storage that honours flushes). With
``fsync: false`` the record has been handed to the operating system (``write`` returned)
before the 302: it survives ``kill -9`` or a crash of the service, not a power loss or a
kernel crash. Requests answered with anything else (400, 404, 405, 414, 429, 503) are not
clicks and get no record; a HEAD that gets its 302 is stored, flagged as a bot.

The converse does not hold exactly: a record may exist for a request whose client never got
its 302 (the service was killed between the fsync and the answer, the client hung up, or the
disk failed after part of a batch was written; that batch is answered 503). Records are
facts about requests, idempotent by ``id``.

How
---
Each worker process appends to its own segment file in ``log_dir``,
``clicks-<pid>-<start ns>.log``: one record per line, ``<crc32 as 8 hex digits> <json>\\n``.
Requests append their line to an in-memory batch and wait; one writer thread writes the whole
batch, fsyncs once, then releases every request in it (group commit: the busier the service,
the bigger the batches, the fewer fsyncs per click). A line cut short by ``kill -9`` mid-write,
or damaged on disk, fails its CRC or has no newline and is skipped (and counted) by the
reader; a write error closes the segment, so later records start on a clean line in a new one.

Segments
--------
The writing process holds an exclusive ``flock`` on its segment for as long as it writes it;
the kernel drops it when the process exits, however it dies. ``sealed_segments`` lists the
segments nobody holds any more (dead process, or rotated after ``segment_bytes``): those are
complete and may be ingested and archived. Live segments may be read too (records are
idempotent by id); their last line may still be in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import itertools
import json
import os
import threading
import time
import weakref
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring_ascii as _json_str
from pathlib import Path
from typing import Any

SEGMENT_GLOB = "clicks-*.log"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ClickRecord:
    """One request answered with a redirect."""

    id: str
    slug: str
    clicked_at: datetime  # UTC, aware
    visitor_hash: str | None  # sha256(salt + client IP), hex
    user_agent: str | None
    referrer: str | None
    is_bot: bool
    bot_reason: str | None
    workspace_id: str
    asset_id: str


class ClickLogError(Exception):
    """The click could not be stored; the request must not be answered with a redirect."""


class Overloaded(ClickLogError):
    """More clicks are waiting for the disk than ``max_pending``."""


# --- record codec ---------------------------------------------------------------------------

_FIELDS = ("id", "slug", "clicked_at", "visitor_hash", "user_agent", "referrer", "is_bot",
           "bot_reason", "workspace_id", "asset_id")
_OPTIONAL_STR = ("visitor_hash", "user_agent", "referrer", "bot_reason")
_REQUIRED_STR = ("id", "slug", "workspace_id", "asset_id")


def encode_record(rec: ClickRecord) -> bytes:
    """A record as one log line: ``<crc32 hex> <json>\\n`` (JSON ASCII-escaped, so no raw
    newline can occur inside)."""
    return format_line(rec.id, rec.slug, rec.clicked_at.isoformat(), rec.visitor_hash,
                       rec.user_agent, rec.referrer, rec.is_bot, rec.bot_reason,
                       rec.workspace_id, rec.asset_id)


def _opt(text: str | None) -> str:
    return "null" if text is None else _json_str(text)


def format_line(id: str, slug: str, clicked_at: str, visitor_hash: str | None,
                user_agent: str | None, referrer: str | None, is_bot: bool,
                bot_reason: str | None, workspace_id: str, asset_id: str) -> bytes:
    """``encode_record`` without building the record (the redirect's hot path);
    ``clicked_at`` is an ISO-8601 UTC timestamp such as ``iso_utc`` gives."""
    body = (f'{{"id":{_json_str(id)},"slug":{_json_str(slug)},'
            f'"clicked_at":{_json_str(clicked_at)},"visitor_hash":{_opt(visitor_hash)},'
            f'"user_agent":{_opt(user_agent)},"referrer":{_opt(referrer)},'
            f'"is_bot":{"true" if is_bot else "false"},"bot_reason":{_opt(bot_reason)},'
            f'"workspace_id":{_json_str(workspace_id)},"asset_id":{_json_str(asset_id)}}}'
            ).encode("ascii")
    return b"%08x %s\n" % (zlib.crc32(body), body)


def decode_record(line: bytes) -> ClickRecord:
    """The record on one log line (with or without its newline); ``ValueError`` when the
    line is torn or corrupt."""
    line = line.rstrip(b"\n")
    crc, sep, body = line.partition(b" ")
    if not sep or len(crc) != 8 or int(crc, 16) != zlib.crc32(body):
        raise ValueError("bad checksum")
    data: Any = json.loads(body)
    if not isinstance(data, dict) or set(data) != set(_FIELDS):
        raise ValueError("unexpected fields")
    for name in _REQUIRED_STR:
        if not isinstance(data[name], str):
            raise ValueError(f"{name} is not text")
    for name in _OPTIONAL_STR:
        if data[name] is not None and not isinstance(data[name], str):
            raise ValueError(f"{name} is not text")
    if not isinstance(data["is_bot"], bool) or not isinstance(data["clicked_at"], str):
        raise ValueError("bad is_bot or clicked_at")
    clicked_at = datetime.fromisoformat(data["clicked_at"])
    if clicked_at.utcoffset() != timedelta(0):
        raise ValueError("clicked_at is not UTC")
    data["clicked_at"] = clicked_at
    return ClickRecord(**data)


def utc_from_ns(ns: int) -> datetime:
    """An exact UTC datetime (microseconds) from ``time.time_ns()``."""
    return _EPOCH + timedelta(microseconds=ns // 1000)


_iso_second = -1
_iso_prefix = ""


def iso_utc(ns: int) -> str:
    """``time.time_ns()`` as ISO-8601 UTC with microseconds, e.g.
    ``2025-03-01T09:30:00.123456+00:00`` (the second's text is cached)."""
    global _iso_second, _iso_prefix
    second, rest = divmod(ns, 1_000_000_000)
    if second != _iso_second:
        _iso_prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _iso_second = second
    return f"{_iso_prefix}.{rest // 1000:06d}+00:00"


# --- click ids ------------------------------------------------------------------------------

_B32 = "0123456789abcdefghijklmnopqrstuv"  # base32hex: sorts like the numbers it encodes


def _b32(value: int, width: int) -> str:
    return "".join(_B32[(value >> (5 * i)) & 31] for i in range(width - 1, -1, -1))


_node = _b32(int.from_bytes(os.urandom(5), "big"), 8)
_counter = itertools.count()
_id_ms = -1
_id_prefix = ""


def _reseed() -> None:
    global _node, _counter, _id_ms
    _node = _b32(int.from_bytes(os.urandom(5), "big"), 8)
    _counter = itertools.count()
    _id_ms = -1


os.register_at_fork(after_in_child=_reseed)


def new_click_id(ns: int | None = None) -> str:
    """A 23-character id, URL-safe (``0-9a-v``), sorting by time: 10 characters of
    milliseconds (50 bits), 8 of a random number fixed per process (40 bits, so workers never
    collide) and 5 of a counter (25 bits, so one process never repeats within a millisecond)."""
    global _id_ms, _id_prefix
    ms = (time.time_ns() if ns is None else ns) // 1_000_000
    if ms != _id_ms:
        _id_ms, _id_prefix = ms, _b32(ms, 10) + _node
    c = next(_counter) & 0x1FFFFFF
    return (_id_prefix + _B32[c >> 20] + _B32[(c >> 15) & 31] + _B32[(c >> 10) & 31]
            + _B32[(c >> 5) & 31] + _B32[c & 31])


# --- writer ---------------------------------------------------------------------------------

class ClickLog:
    """The durable, append-only click log of one process, with group commit.

    ``await log.append(line)`` returns once the line is on disk (see the module docstring);
    it raises ``Overloaded`` when ``max_pending`` clicks are already waiting and
    ``ClickLogError`` when the write or fsync failed. One writer thread per process takes
    whatever has accumulated, writes it with one ``write`` and one ``fdatasync``, and wakes
    the waiting requests on their event loop."""

    def __init__(self, log_dir: Path | str, *, fsync: bool = True,
                 segment_bytes: int = 64 << 20, max_pending: int = 20_000) -> None:
        self.log_dir = Path(log_dir)
        self.fsync = fsync
        self.segment_bytes = segment_bytes
        self.max_pending = max_pending
        self.path: Path | None = None
        self.batches = 0  # write+fsync rounds so far
        self.records = 0
        self._fd: int | None = None
        self._size = 0
        self._pid = os.getpid()
        self._lock = threading.Lock()  # the segment: one writer at a time
        self._reset_writer()
        _LOGS.add(self)

    def _reset_writer(self) -> None:
        self._cv = threading.Condition(threading.Lock())
        self._batch: list[bytes] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._idle = True
        self._closed = False
        self._thread: threading.Thread | None = None

    def _after_fork(self) -> None:
        # Threads do not survive fork: a child starts its own writer and its own segment.
        self._reset_writer()
        self._lock = threading.Lock()
        self._close_segment()  # our copy only: the parent keeps its segment and its lock

    def open(self) -> None:
        """Create ``log_dir`` and this process's first segment now (else on first write), so
        a log directory that cannot be written fails at start-up, not on the first click."""
        with self._lock:
            self._ensure_segment()

    async def append(self, line: bytes) -> None:
        if len(self._batch) >= self.max_pending:
            raise Overloaded(f"{len(self._batch)} clicks waiting for the disk")
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        with self._cv:
            if self._closed:
                raise ClickLogError("click log is closed")
            self._batch.append(line)
            self._waiters.append(fut)
            if self._idle:
                self._idle = False
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="clicklog",
                                                    daemon=True)
                    self._thread.start()
                else:
                    self._cv.notify()
        await fut

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._batch:
                    if self._closed:
                        return
                    self._idle = True
                    self._cv.wait()
                batch, waiters = self._batch, self._waiters
                self._batch, self._waiters = [], []
            error: ClickLogError | None = None
            try:
                self.write_batch(batch)
            except ClickLogError as exc:
                error = exc
            except Exception as exc:  # never let the writer die silently
                error = ClickLogError(f"click log write failed: {exc!r}")
            by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
            for w in waiters:
                by_loop.setdefault(w.get_loop(), []).append(w)
            for loop, ws in by_loop.items():
                with contextlib.suppress(RuntimeError):  # that loop is gone: nobody waits
                    loop.call_soon_threadsafe(_settle, ws, error)

    def write_batch(self, lines: list[bytes]) -> None:
        """Write and (with ``fsync``) sync ``lines`` now, in the calling thread."""
        data = b"".join(lines)
        with self._lock:
            self._ensure_segment()
            fd = self._fd
            assert fd is not None
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                if self.fsync:
                    os.fdatasync(fd)
            except OSError as exc:
                # The segment may now end in a torn line; start the next batch on a new one.
                self._close_segment()
                raise ClickLogError(f"click log write failed: {exc}") from exc
            self._size += len(data)
            self.batches += 1
            self.records += len(lines)
            if self._size >= self.segment_bytes:
                self._close_segment()

    def _ensure_segment(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            return
        self._fd = None  # a forked child never writes its parent's segment
        self._pid = os.getpid()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        name = f"clicks-{self._pid}-{time.time_ns()}.log"
        tmp = self.log_dir / f".{name}.new"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC,
                     0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.rename(tmp, self.log_dir / name)  # appears already locked: never "sealed"
            dir_fd = os.open(self.log_dir, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)  # the file's name is durable before any click is acked
            finally:
                os.close(dir_fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd, self._size, self.path = fd, 0, self.log_dir / name

    def _close_segment(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):  # already failing: nothing more to lose
                os.close(fd)  # releases the flock: the segment is sealed

    def close(self) -> None:
        """Write what is pending, stop the writer and seal the segment."""
        with self._cv:
            self._closed = True
            self._cv.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        with self._lock:
            self._close_segment()

    async def aclose(self) -> None:
        """``close`` without blocking the event loop (pending clicks are still answered)."""
        await asyncio.get_running_loop().run_in_executor(None, self.close)


def _settle(waiters: list[asyncio.Future[None]], error: ClickLogError | None) -> None:
    for w in waiters:
        if not w.done():  # a request cancelled meanwhile is done already
            if error is None:
                w.set_result(None)
            else:
                w.set_exception(error)


_LOGS: weakref.WeakSet[ClickLog] = weakref.WeakSet()


def _logs_after_fork() -> None:
    for log in list(_LOGS):
        log._after_fork()


os.register_at_fork(after_in_child=_logs_after_fork)


# --- readers --------------------------------------------------------------------------------

def segments(log_dir: Path | str) -> list[Path]:
    """Every segment in ``log_dir``, oldest process first."""
    return sorted(Path(log_dir).glob(SEGMENT_GLOB), key=_segment_order)


def _segment_order(path: Path) -> tuple[int, str]:
    parts = path.stem.split("-")
    try:
        return int(parts[2]), path.name
    except (IndexError, ValueError):
        return 0, path.name


def is_sealed(path: Path) -> bool:
    """Whether no process writes ``path`` any more (its writer closed it or died)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # also drops the lock we may have taken
    return True


def sealed_segments(log_dir: Path | str) -> list[Path]:
    """Segments whose writer is gone: complete, safe to ingest and then archive."""
    return [p for p in segments(log_dir) if is_sealed(p)]


class ClickReader:
    """Iterates the records of ``log_dir`` (or of the given segments), skipping torn and
    corrupt lines; ``skipped`` counts them once iteration is done."""

    def __init__(self, log_dir: Path | str, paths: list[Path] | None = None) -> None:
        self.paths = segments(log_dir) if paths is None else paths
        self.skipped = 0

    def __iter__(self) -> Iterator[ClickRecord]:
        for path in self.paths:
            try:
                f = open(path, "rb")  # noqa: SIM115 - closed below, generator-safe
            except FileNotFoundError:  # archived meanwhile
                continue
            with f:
                for line in f:
                    if not line.endswith(b"\n"):
                        if line:
                            self.skipped += 1  # torn last write
                        continue
                    if line == b"\n":
                        continue
                    try:
                        yield decode_record(line)
                    except (ValueError, TypeError):
                        self.skipped += 1


def read_clicks(log_dir: Path | str) -> Iterator[ClickRecord]:
    """Every intact record in ``log_dir``; torn or corrupt lines are skipped."""
    return iter(ClickReader(log_dir))


def scan_clicks(log_dir: Path | str) -> tuple[list[ClickRecord], int]:
    """Every intact record in ``log_dir`` and the number of lines skipped as torn or corrupt."""
    reader = ClickReader(log_dir)
    records = list(reader)
    return records, reader.skipped
