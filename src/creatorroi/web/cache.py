"""Pages computed once per workspace revision: a dashboard over a million orders answers fast.

Why this is safe: every write to a workspace (an import, a settings change, an issued asset)
raises its ``revision`` in the same transaction (``Store.touch``), and the key holds that
revision, the page's filters, the language-independent page name and today's date (pacing and
"late" depend on it). An entry for an older revision is never read again and ages out.

Three smaller caches ride along, each tied to the same facts:

* ``scopes``: the fact pull (``dashboard.common.open_scope``) of a revision, shared by every
  page built from it (the overview, the influencer list, each influencer's page), bounded by
  the rows it holds, since one pull of a million orders is hundreds of thousands of rows;
* ``fragments``: a cached page's tables rendered to HTML rows for one language, keyed by the
  table object itself (held, so its ``id`` cannot be reused while the entry lives);
* ``start_warmer``: a thread that builds each workspace's overview after startup and after each
  write, so the first visitor after an import does not wait for attribution and the pull.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, MutableMapping
from datetime import date
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class LRU(MutableMapping[Hashable, Any]):
    """A thread-safe mapping that forgets its least recently used entries beyond ``size``
    entries, or beyond ``weight`` total when ``weigh`` gives each value one (the newest entry
    is always kept)."""

    def __init__(self, size: int, weight: int | None = None,
                 weigh: Callable[[Any], int] | None = None):
        self.size = size
        self.weight = weight
        self._weigh = weigh
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()

    def __getitem__(self, key: Hashable) -> Any:
        with self._lock:
            value, _ = self._items[key]
            self._items.move_to_end(key)
            return value

    def __setitem__(self, key: Hashable, value: Any) -> None:
        w = self._weigh(value) if self._weigh else 0
        with self._lock:
            if key in self._items:
                self._total -= self._items.pop(key)[1]
            self._items[key] = (value, w)
            self._total += w
            while len(self._items) > 1 and (
                    len(self._items) > self.size
                    or (self.weight is not None and self._total > self.weight)):
                _, (_, old) = self._items.popitem(last=False)
                self._total -= old

    def __delitem__(self, key: Hashable) -> None:
        with self._lock:
            self._total -= self._items.pop(key)[1]

    def __iter__(self) -> Iterator[Hashable]:
        with self._lock:
            return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)


class Prefixed(MutableMapping[Hashable, Any]):
    """A view of ``base`` whose keys all start with ``prefix`` (one workspace revision)."""

    def __init__(self, base: MutableMapping[Hashable, Any], prefix: Hashable):
        self.base = base
        self.prefix = prefix

    def __getitem__(self, key: Hashable) -> Any:
        return self.base[(self.prefix, key)]

    def __setitem__(self, key: Hashable, value: Any) -> None:
        self.base[(self.prefix, key)] = value

    def __delitem__(self, key: Hashable) -> None:
        del self.base[(self.prefix, key)]

    def __iter__(self) -> Iterator[Hashable]:
        return (k[1] for k in list(self.base) if isinstance(k, tuple) and k[0] == self.prefix)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _rows(scope: Any) -> int:
    raw = getattr(scope, "raw", None)
    return 1 if raw is None else max(1, len(raw))


class PageCache:
    # Fact rows kept across cached scopes: a million orders' workspace pulls some 300,000
    # rows for all dates, about 80 MB in memory.
    SCOPE_ROWS = 1_000_000

    def __init__(self, size: int = 256):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        self.scopes = LRU(16, self.SCOPE_ROWS, _rows)
        # HTML rows by table and language, up to 32 MB of text.
        self.fragments = LRU(512, 32 * 2**20, lambda v: len(v[1]))

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        value = build()
        with self._lock:
            self.misses += 1
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def scope_memo(self, workspace_id: str, revision: int | None) -> Prefixed:
        """Where ``open_scope`` keeps the pulls of one workspace revision."""
        return Prefixed(self.scopes, (workspace_id, revision))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
        self.scopes.clear()
        self.fragments.clear()


def page_key(workspace_id: str, revision: int | None, name: str,
             *params: Hashable) -> tuple[Hashable, ...]:
    return (workspace_id, revision, date.today().isoformat(), name, *params)


# -- warming ---------------------------------------------------------------------------------
def warm_overviews(app: Any, done: dict[str, tuple[int | None, str]]) -> int:
    """Build the overview (all dates) of every workspace whose revision or day changed since
    ``done`` says it was built; returns how many were built.

    Each build holds the store lock, as a visitor's would (the store has one connection), and
    uses the key and the scope memo ``web.render.cached_page`` uses, so the visitor's request
    finds it. Between workspaces the lock is let go, so requests are not starved.
    """
    from creatorroi.dashboard import Period
    from creatorroi.dashboard.common import scope_memo
    from creatorroi.dashboard.overview import overview

    srv = app.state.server
    cache: PageCache = app.state.page_cache
    with srv.lock:
        spaces = [str(r[0]) for r in srv.store.fetch("SELECT id FROM workspaces ORDER BY id")]
    built = 0
    for wid in spaces:
        today = date.today().isoformat()
        with srv.lock:
            revision = srv.store.revision(wid)
            if revision is None or done.get(wid) == (revision, today):
                continue
            done[wid] = (revision, today)   # failed or not, not again until the next write
            try:
                ws = srv.app.workspace(wid)
                period = Period()
                key = page_key(wid, revision, "overview", period.start, period.end)
                with scope_memo(cache.scope_memo(wid, revision)):
                    cache.get(key, partial(overview, ws, period))
            except Exception:   # one broken workspace must not keep the others cold
                log.exception("warming the overview of %s failed", wid)
                continue
        built += 1
        time.sleep(0.05)   # let waiting requests take the lock first
    return built


class Warmer:
    """The thread ``start_warmer`` runs; ``ready`` is set once its first round is done."""

    def __init__(self, app: Any, interval: float):
        self.app = app
        self.interval = interval
        self.ready = threading.Event()
        self.built = 0
        self.thread = threading.Thread(target=self._loop, name="creatorroi-cache-warmer",
                                       daemon=True)

    def _loop(self) -> None:
        done: dict[str, tuple[int | None, str]] = {}
        while True:
            try:
                self.built += warm_overviews(self.app, done)
            except Exception:   # the store itself failed: try again on the next round
                log.exception("warming the page cache failed")
            self.ready.set()
            time.sleep(self.interval)


def start_warmer(app: Any, interval: float = 2.0) -> Warmer:
    """Keep every workspace's overview built: now, and within ``interval`` seconds of a write
    (its revision changes) or of midnight. A daemon thread; for the served app, not tests.

    Each build holds the store lock for as long as a visitor's build would (seconds at a
    million orders, more when attribution is stale), so a request arriving meanwhile waits
    for it, as it would behind another visitor's build.
    """
    warmer = Warmer(app, interval)
    warmer.thread.start()
    return warmer
