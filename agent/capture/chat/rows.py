"""The rows of a chat thread, collected while its list is scrolled back.

Many chat UIs keep only the rows near the viewport in the DOM (windowed or virtualised
lists, react-window style) and drop or recycle the others as the list scrolls, so the
page's final DOM holds a window of the thread, not the thread. The capture therefore
reads the list at every scroll position (``collect`` in :mod:`agent.capture.chat.scripts`):
each read is a *window*, the list's units (its child elements: messages, time rows,
markers) in visual order, each with a stable key (the platform's message id when the row
carries one, else a hash of its content) and its HTML the first time it was seen.

:class:`Collector` merges the windows into the thread. A window is a contiguous stretch of
the list as it is now, so it is aligned on the keys it shares with what was collected
(``difflib`` matching blocks, which tolerate a row inserted or removed between reads): the
stretch it covers is taken from the window (the freshest read), what lies beyond it on
either side is kept. A window that shares nothing opens a new segment, placed before or
after by the direction of travel; segments join when a later window bridges them, and
``gaps`` counts those that never did.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any


def _exact(known: list[str], window: list[str]) -> tuple[list[str], int]:
    """The best contiguous overlap: the window inside what is known, or around it, or
    overlapping its start (scrolled up) or its end (scrolled down); ([], 0) for none."""
    n, m = len(known), len(window)
    best: tuple[list[str], int] = ([], 0)
    for i in (i for i, key in enumerate(window) if key == known[0]):
        if window[i:i + n] == known:  # everything known is in the window
            return list(window), n
        k = m - i
        if k < n and window[i:] == known[:k] and k > best[1]:
            best = (window[:i] + known, k)
    for j in (j for j, key in enumerate(known) if key == window[0]):
        if known[j:j + m] == window:  # the window is inside what is known
            return list(known), m
        k = n - j
        if k < m and known[j:] == window[:k] and k > best[1]:
            best = (known + window[k:], k)
    return best


def merge(known: list[str], window: list[str]) -> tuple[list[str], int]:
    """(known with the window merged in, how many keys they shared).

    A contiguous overlap wins; otherwise the matching blocks, which tolerate rows that
    changed, came or went between two reads, as long as they agree better than it."""
    if not known or not window:
        return list(known or window), 0
    exact, overlap = _exact(known, window)
    if overlap == min(len(known), len(window)):  # one holds the other: nothing to weigh
        return exact, overlap
    blocks = [b for b in SequenceMatcher(None, known, window, autojunk=False).get_matching_blocks()
              if b.size]
    shared = sum(b.size for b in blocks)
    if not shared:
        return list(known), 0
    first, last = blocks[0], blocks[-1]
    i0, j0 = first.b, first.a  # window index, known index of the first shared key
    i1, j1 = last.b + last.size - 1, last.a + last.size - 1
    # rows between the first and last shared key that do not match count against it
    score = shared - ((i1 - i0 + 1 - shared) + (j1 - j0 + 1 - shared))
    if overlap and overlap >= score:
        return exact, overlap
    # before the first shared key: the window's rows stand for as many of the known ones
    front = known[:max(0, j0 - i0)] + window[:i0]
    # after the last shared key, likewise
    tail_len = len(window) - i1 - 1
    back = window[i1 + 1:] + known[j1 + 1 + tail_len:]
    return front + window[i0:i1 + 1] + back, shared


@dataclass
class Collector:
    """Windows of a list merged into one thread; see the module's docstring."""

    html: dict[str, str] = field(default_factory=dict)
    rows: set[str] = field(default_factory=set)  # keys of message rows (not markers, time rows)
    segments: list[list[str]] = field(default_factory=list)
    windows: int = 0
    windowed: bool = False  # some collected unit was no longer in the DOM at a later read
    current: int = 0  # the segment the last window went into

    def add(self, units: list[dict[str, Any]], *, moving_up: bool = True) -> None:
        window: list[str] = []
        for unit in units:
            key = str(unit["k"])
            if "h" in unit and key not in self.html:
                self.html[key] = str(unit["h"])
            if unit.get("r"):
                self.rows.add(key)
            if key in self.html:
                window.append(key)
        if not window:
            return
        self.windows += 1
        if not self.segments:
            self.segments = [window]
            return
        best, best_shared, best_merged = -1, 0, window
        for n, segment in enumerate(self.segments):
            merged, shared = merge(segment, window)
            if shared > best_shared:
                best, best_shared, best_merged = n, shared, merged
        if best < 0:
            self.windowed = True  # a window that shares nothing: rows were dropped between reads
            at = self.current if moving_up else self.current + 1
            self.segments.insert(at, window)
            self.current = at
            return
        if len(set(best_merged) - set(window)):
            self.windowed = True
        self.segments[best] = best_merged
        self.current = best
        self._join()

    def _join(self) -> None:
        """Merge neighbouring segments that now share keys (a window bridged a gap)."""
        n = 0
        while n + 1 < len(self.segments):
            joined, shared = merge(self.segments[n], self.segments[n + 1])
            if shared:
                self.segments[n:n + 2] = [joined]
                self.current = min(self.current, n)
            else:
                n += 1

    @property
    def keys(self) -> list[str]:
        """Every unit, oldest first (rows alike in every way, 好的 and 好的, stay two rows)."""
        return [key for segment in self.segments for key in segment]

    @property
    def gaps(self) -> int:
        return max(0, len(self.segments) - 1)

    @property
    def row_count(self) -> int:
        return sum(1 for k in self.keys if k in self.rows)

    def html_rows(self) -> list[str]:
        return [self.html[k] for k in self.keys]
