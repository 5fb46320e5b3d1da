"""Sets of non-overlapping text spans, asked in logarithmic time whether a span overlaps one.

Several stages keep the longest or first of overlapping spans (mentions, place
phrases, dates); with :class:`DisjointSpans` a long text costs them
``O(n log n)``, not ``O(n**2)``.

Examples
--------
>>> kept = DisjointSpans()
>>> [kept.add(s, e) for s, e in [(10, 20), (15, 30), (0, 5), (20, 25)]]
[True, False, True, True]
>>> list(kept)
[(0, 5), (10, 20), (20, 25)]
>>> kept.overlaps(4, 11), kept.overlaps(5, 10)
(True, False)
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

__all__ = ["DisjointSpans", "inside"]


def inside(items: list, starts: list[int], start: int, end: int) -> list:
    """The items (sorted by ``.start``, whose starts are ``starts``) that lie in ``[start, end)``.

    Examples
    --------
    >>> from types import SimpleNamespace as Span
    >>> items = [Span(start=0, end=4), Span(start=5, end=9), Span(start=8, end=12)]
    >>> [(i.start, i.end) for i in inside(items, [i.start for i in items], 5, 10)]
    [(5, 9)]
    """
    first, last = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
    return [item for item in items[first:last] if item.end <= end]


class DisjointSpans:
    """Half-open ``[start, end)`` spans that do not overlap, kept in text order."""

    def __init__(self, spans: list[tuple[int, int]] | None = None) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in spans or ():
            self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` shares a character with a kept span."""
        at = bisect.bisect_left(self._starts, end)  # the spans before ``at`` start before end
        # kept spans are disjoint, so their ends are sorted too: only the last can reach
        return at > 0 and self._ends[at - 1] > start

    def add(self, start: int, end: int) -> bool:
        """Keep ``[start, end)`` unless it overlaps a kept span; say whether it was kept."""
        if self.overlaps(start, end):
            return False
        at = bisect.bisect_left(self._starts, start)
        self._starts.insert(at, start)
        self._ends.insert(at, end)
        return True

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self._starts, self._ends, strict=True)

    def __len__(self) -> int:
        return len(self._starts)
