"""Merging the windows a scrolled-back chat list shows into one thread (no browser)."""
from __future__ import annotations

import random

from agent.capture.chat.rows import Collector, merge


def _units(keys: list[str], rows: bool = True) -> list[dict[str, object]]:
    return [{"k": k, "h": f"<li>{k}</li>", "r": 1 if rows else 0} for k in keys]


def test_merge_takes_the_window_for_what_it_covers_and_keeps_the_rest() -> None:
    assert merge(list("defgh"), list("abcdef")) == (list("abcdefgh"), 3)  # scrolled up
    assert merge(list("abc"), list("xyzabc")) == (list("xyzabc"), 3)  # older page prepended
    assert merge(list("abcdefgh"), list("cde")) == (list("abcdefgh"), 3)  # a window inside
    assert merge(list("abcde"), list("abde")) == (list("abde"), 4)  # a row removed meanwhile
    assert merge(list("aXc"), list("abc")) == (list("abc"), 2)  # a row changed meanwhile
    assert merge(list("abc"), list("xyz")) == (list("abc"), 0)  # nothing shared


def test_windowed_list_scrolled_back_yields_every_row_once_in_order() -> None:
    thread = [f"m{i}" for i in range(90)]
    c = Collector()
    pos = 76
    while True:
        c.add(_units(thread[pos:pos + 14]))
        if pos == 0:
            break
        pos = max(0, pos - 9)
    assert c.keys == thread and c.row_count == 90 and c.windowed and c.gaps == 0
    assert c.html_rows()[0] == "<li>m0</li>"


def test_a_list_that_keeps_every_row_is_not_windowed() -> None:
    c = Collector()
    for n in (20, 40, 60):
        c.add(_units([f"m{i}" for i in range(60 - n, 60)]))
    assert c.keys == [f"m{i}" for i in range(60)] and not c.windowed


def test_repeated_rows_keep_their_places() -> None:
    """Rows with the same content (好的, 好的) are separate rows; the alignment keeps both."""
    thread = ["a", "ok", "b", "ok", "ok", "c", "d", "ok", "e", "f"]
    c = Collector()
    for start in (6, 3, 0):
        c.add(_units(thread[start:start + 4]))
    assert c.keys == thread


def test_a_jump_opens_a_segment_that_a_later_window_joins() -> None:
    thread = [f"m{i}" for i in range(30)]
    c = Collector()
    c.add(_units(thread[20:30]))
    c.add(_units(thread[0:8]))  # the list jumped: nothing shared
    assert c.gaps == 1 and c.keys == thread[0:8] + thread[20:30]
    c.add(_units(thread[6:22]))  # a window that bridges both
    assert c.gaps == 0 and c.keys == thread


def test_markers_and_time_rows_are_kept_but_not_counted_as_messages() -> None:
    c = Collector()
    c.add([{"k": "tip", "h": "<li>没有更多消息了</li>", "r": 0}, {"k": "d1", "h": "<li>昨天</li>", "r": 0},
           *_units(["m1", "m2"])])
    assert c.keys == ["tip", "d1", "m1", "m2"] and c.row_count == 2


def test_random_windows_in_scroll_order_rebuild_the_thread() -> None:
    rng = random.Random(7)
    for _ in range(50):
        thread = [f"m{i}" for i in range(rng.randint(20, 200))]
        size = rng.randint(5, 25)
        c = Collector()
        pos = len(thread) - size
        while True:
            c.add(_units(thread[max(0, pos):pos + size]))
            if pos <= 0:
                break
            pos -= rng.randint(1, size - 1)  # always some overlap
        assert c.keys == thread
