"""Pages computed once per workspace revision: a dashboard over a million orders answers fast.

Why this is safe: every write to a workspace (an import, a settings change, an issued asset)
raises its ``revision`` in the same transaction (``Store.touch``), and the key holds that
revision, the page's filters, the language-independent page name and today's date (pacing and
"late" depend on it). An entry for an older revision is never read again and ages out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar

T = TypeVar("T")


class PageCache:
    def __init__(self, size: int = 256):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

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

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def page_key(workspace_id: str, revision: int | None, name: str,
             *params: Hashable) -> tuple[Hashable, ...]:
    return (workspace_id, revision, date.today().isoformat(), name, *params)
