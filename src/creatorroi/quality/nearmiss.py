"""Near misses: the tag a creator meant to type (``#sponsorred`` for ``#sponsored``).

Why an edit budget that grows with length: one slip in a three-letter tag (``#avd``) is as
plain as two in a long one (``#GlowWithLumnia``), but allowing one edit on two letters would
read ``#as`` or ``#at`` as ``#ad``. Damerau-Levenshtein counts a swap of two neighbours as one
edit, the commonest typing slip. Keys are compared as given: callers fold them first.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import DamerauLevenshtein


def allowed_edits(wanted: str) -> int:
    """Edits a near miss of ``wanted`` may be away: 0 up to 2 characters, 1 up to 7, else 2."""
    n = len(wanted)
    return 0 if n <= 2 else 1 if n <= 7 else 2


def distance(wanted: str, found: str, cutoff: int | None = None) -> int:
    """Edits between two keys, also without underscores (``glow_with_lumina`` is one slip)."""
    d = DamerauLevenshtein.distance(wanted, found, score_cutoff=cutoff)
    bare_w, bare_f = wanted.replace("_", ""), found.replace("_", "")
    if (bare_w, bare_f) != (wanted, found):
        d = min(d, max(1, DamerauLevenshtein.distance(bare_w, bare_f, score_cutoff=cutoff)))
    return int(d)


def near_miss(wanted: str, found: Iterable[str]) -> str | None:
    """The candidate closest to ``wanted`` within its edit budget, never ``wanted`` itself;
    ties go to the first candidate."""
    budget = allowed_edits(wanted)
    if budget == 0:
        return None
    best: tuple[int, str] | None = None
    for candidate in found:
        if candidate == wanted:
            continue
        d = distance(wanted, candidate, budget)
        if d <= budget and (best is None or d < best[0]):
            best = (d, candidate)
    return best[1] if best else None
