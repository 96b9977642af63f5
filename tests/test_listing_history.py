"""Anomalies a listing's own history shows: ``countdown_reset``, ``fictitious_original_price``.

The countdown reader on varied markup (Chinese and English, one span per digit, deadlines
in data attributes, and what only looks like a countdown); the storage rules on committed
snapshots; and real Chromium against the demo shop, with earlier captures made "days ago"
by a clock the shop and the capturer share.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from agent.batch import capture_one
from agent.demoshop import DemoShop
from agent.pipeline import Capturer, json_bytes
from agent.settings import load
from extractors import extract_listing
from extractors.countdown import find_countdown
from storage import Artifact, Store
from storage.findings import stored_anomalies
from storage.listing_history import anomalies
from storage.times import rfc3339
from tests.conftest import run_async

T = "2026-12-02T04:00:00Z"
URL = "https://shop.example/item/7"


def countdown(body: str, captured_at: str | None = T) -> dict[str, Any] | None:
    """What the listing extractor reads as the page's countdown."""
    html = f'<html lang="zh-CN"><body><h1>某品牌 耳机</h1><p class="price">¥199.00</p>{body}</body></html>'
    return extract_listing(html.encode(), URL, captured_at=captured_at)["countdown"]


def digits(text: str) -> str:
    return "".join(f"<span>{c}</span>" if c.isdigit() else f"<i>{c}</i>" for c in text)


# -- the countdown reader ----------------------------------------------------------------

@pytest.mark.parametrize(("body", "left", "event"), [
    ("<div>限时秒杀 距结束 02:13:45</div>", 8025, "end"),
    (f'<div class="sk">距结束<span class="t">{digits("02:13:45")}</span></div>', 8025, "end"),
    # colons drawn by CSS: only the digits are in the DOM, one span per digit
    ("<div>距结束" + "".join(f"<span>{d}</span>" for d in "021345") + "</div>", 8025, "end"),
    # one block per unit (li/div): the label and each piece on a line of its own
    ("<div>距离本场结束还有</div><ul><li>02</li><li>时</li><li>13</li><li>分</li><li>45</li>"
     "<li>秒</li></ul>", 8025, "end"),
    ("<div>仅剩 2天03时12分</div>", 2 * 86400 + 3 * 3600 + 12 * 60, "end"),
    ("<div>倒计时 2 天 03:12:11</div>", 2 * 86400 + 3 * 3600 + 12 * 60 + 11, "end"),
    ("<div>距双11结束 01:00:00.8</div>", 3600, "end"),
    ("<div>距开抢 <b>00</b>:<b>59</b>:<b>59</b></div>", 3599, "start"),
    ("<div>02:13:45后恢复原价</div>", 8025, "end"),
    ("<div>Deal ends in 05:12:33</div>", 5 * 3600 + 12 * 60 + 33, "end"),
    ("<div>Ends in 2h 13m</div>", 2 * 3600 + 13 * 60, "end"),
    ("<p>Offer ends in <strong>1 day 2 hours</strong></p>", 26 * 3600, "end"),
    ("<p>Sale ends in: 3 days</p>", 3 * 86400, "end"),
    ("<p>Lightning deal: 2h 13m 5s left</p>", 2 * 3600 + 13 * 60 + 5, "end"),
    ("<p>Starts in 45 minutes</p>", 45 * 60, "start"),
    ("<div>限時特賣 結束倒數 2天 03:12:11</div>", 2 * 86400 + 3 * 3600 + 12 * 60 + 11, "end"),
    ("<div>距结束 02:13:45 到手价 ¥99</div>", 8025, "end"),
    # a Shopify-style timer: each number over its unit, one block each
    ("<p>Sale ends in</p><div class='timer'><div><b>02</b> Days</div><div><b>13</b> Hours</div>"
     "<div><b>45</b> Minutes</div><div><b>12</b> Seconds</div></div>",
     2 * 86400 + 13 * 3600 + 45 * 60 + 12, "end"),
    # a delivery promise in the sentence before is not this sentence
    ("<p>Free delivery on orders over $25.00. Deal ends in 05:12:33</p>", 18753, "end"),
])
def test_countdowns_as_shops_show_them(body: str, left: int, event: str) -> None:
    found = countdown(body)
    assert found is not None, body
    assert (found["remaining_s"], found["event"], found["source"]) == (left, event, "text")
    captured = datetime(2026, 12, 2, 4, tzinfo=UTC)
    assert found["ends_at"] == rfc3339(captured + timedelta(seconds=left), "seconds")


def test_the_smallest_unit_shown_is_the_precision() -> None:
    assert countdown("<p>Ends in 2h 13m</p>")["precision_s"] == 60
    assert countdown("<p>Sale ends in 3 days</p>")["precision_s"] == 86400
    assert countdown("<p>距结束 02:13:45</p>")["precision_s"] == 1


def test_without_a_capture_time_there_is_no_deadline() -> None:
    found = countdown("<div>距结束 02:13:45</div>", captured_at=None)
    assert found["remaining_s"] == 8025 and found["ends_at"] is None


@pytest.mark.parametrize("body", [
    "<p>Order within 3 hrs 12 mins for delivery tomorrow</p>",
    "<p>Want it tomorrow? Order within 2h 13m and choose One-Day Delivery.</p>",
    "<p>仅剩 2小时15分 下单，预计明天送达</p>",
    "<p>16:00:00前下单 当日发货</p>",
    "<p>北京时间 14:02:33</p>",
    "<p>营业时间 09:00-21:00</p>",
    "<p>商品视频 02:13 剩余 01:15</p>",
    "<p>限时抢购 10:00:00 开抢</p>",
    "<p>限时 12:45</p>",
    "<p>限时3天 全场包邮</p>",
    "<p>仅剩 3 件</p>",
    "<p>仅剩1234件</p>",
    "<p>剩余支付时间 14:59</p>",
    "<p>211限时达</p>",
    "<p>距结束 25:61:99</p>",
    "<p>保修期剩余 365 天</p>",
    "<p>Only 3 left in stock</p>",
    "<p>2 days left to return this item</p>",
    "<p>还剩 12 人成团</p>",
])
def test_what_only_looks_like_a_countdown_is_none(body: str) -> None:
    assert countdown(body) is None, body


RECOMMENDED = ('<div class="recommend-list"><h3>更多秒杀</h3>'
               '<a class="item" href="/item/2"><p>某某 蓝牙音箱</p><p>¥99.00</p><p>距结束 05:00:00</p></a>'
               '<a class="item" href="/item/3"><p>某某 充电宝</p><p>¥59.00</p><p>距结束 05:00:00</p></a>'
               '</div>')


def test_the_countdowns_of_recommended_products_are_not_the_listings() -> None:
    assert countdown(RECOMMENDED) is None
    assert countdown(RECOMMENDED + "<div>距结束 02:13:45</div>")["remaining_s"] == 8025


def test_a_deadline_in_a_data_attribute_wins_over_the_text() -> None:
    end = datetime(2026, 12, 2, 6, 13, 40, tzinfo=UTC)  # 5 s before what the text says
    for value in (str(int(end.timestamp())), str(int(end.timestamp() * 1000)),
                  "2026-12-02T06:13:40Z", "2026-12-02 14:13:40"):  # the last in China's time
        found = countdown(f'<div class="cd" data-end-time="{value}">距结束 '
                          f'<span>{digits("02:13:45")}</span></div>')
        assert found["source"] == "data-end-time", value
        assert found["ends_at"] == "2026-12-02T06:13:40Z", value
        assert found["remaining_s"] == 8020, value


def test_a_data_deadline_alone_and_one_that_belongs_to_another_countdown() -> None:
    found = countdown('<div>距结束 <span class="cd" data-deadline="1796183620"></span></div>')
    assert found["source"] == "data-deadline"
    assert found["ends_at"] == rfc3339(datetime.fromtimestamp(1796183620, UTC), "seconds")
    # a recommended product's timer is not this countdown: the text's deadline stays
    found = countdown('<div>距结束 02:13:45</div><div class="reco">推荐 <span '
                      'data-end-time="1796183620">距结束 5天</span></div>')
    assert found["source"] == "text" and found["remaining_s"] == 8025


def test_the_record_shape_is_json() -> None:
    found = countdown(f'<div data-endtime="2026-12-02T06:13:45+00:00">距结束{digits("02:13:45")}</div>')
    assert json.loads(json.dumps(found, ensure_ascii=False)) == found
    assert found["source"] == "data-endtime"


def test_a_naive_deadline_takes_the_offset_the_text_agrees_with() -> None:
    # a shop in New York (UTC-5) writes its local time without an offset
    found = countdown('<p data-end-time="2026-12-02T04:13:40">Deal ends in 05:13:45</p>')
    assert found["ends_at"] == "2026-12-02T09:13:40Z"


@pytest.mark.parametrize("junk", ["", "距结束", "距结束 ::::", "Ends in" * 5000,
                                  "距结束 " + "9" * 5000, "\x00距结束\ud800 02:13:45",
                                  "仅剩 99999999", "仅剩 " + "0 " * 3000])
def test_the_reader_never_raises(junk: str) -> None:
    found = find_countdown(junk.split("|"), captured_at="not a time")
    assert found is None or found["ends_at"] is None
    found = find_countdown([junk, "距结束 02:13:45"], captured_at="9999-12-31T23:59:59Z")
    assert found is not None and found["ends_at"] is None  # past the last date there is


# -- the storage rules, on committed snapshots ------------------------------------------

def at(days: float = 0, *, hours: float = 0) -> datetime:
    return datetime(2026, 12, 2, 4, tzinfo=UTC) + timedelta(days=days, hours=hours)


def manifest(when: datetime, url: str = URL, final: str | None = None) -> dict[str, Any]:
    return {"target": {"url": url, "kind": "listing"}, "final_url": final or url,
            "captured_at": rfc3339(when), "warnings": []}


def listing(price: str, struck: str | None = None, *, currency: str = "CNY",
            countdown: dict[str, Any] | None = None, blocked: bool = False) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "listing", "price": {"amount": price, "currency": currency},
        "original_price": {"amount": struck, "currency": currency} if struck else None,
        "countdown": countdown, "anomalies": []}
    if blocked:
        record["blocked"] = {"kind": "captcha", "reason": "test"}
    return record


def commit(store: Store, when: datetime, record: dict[str, Any], **where: Any) -> str:
    art = Artifact("record", json_bytes(record), "application/json")
    return store.commit(manifest(when, **where), [art])[0]


def codes(found: list[dict[str, Any]]) -> list[str]:
    return [a["code"] for a in found]


def test_a_struck_price_never_charged_in_the_week_before_is_a_finding(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        ids = [commit(store, at(d), listing("199.00", "599.00")) for d in (-6, -4, -2)]
        commit(store, at(-8), listing("599.00"))  # sold at 599, but before the window
        found = anomalies(store, manifest(at()), listing("199.00", "599.00"))
    assert codes(found) == ["fictitious_original_price"]
    (finding,) = found
    assert finding["severity"] == "warning" and "599.00" in finding["text"]["zh"]
    ev = finding["evidence"]
    assert ev["original_price"] == {"amount": "599.00", "currency": "CNY"}
    assert ev["window"] == {"from": "2026-11-25T04:00:00Z", "to": "2026-12-02T04:00:00Z"}
    assert [c["id"] for c in ev["captures"]] == ids
    assert {c["price"]["amount"] for c in ev["captures"]} == {"199.00"}


def test_a_struck_price_that_was_the_price_last_week_is_none(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        commit(store, at(-6), listing("599.00"))
        commit(store, at(-4), listing("599.00"))
        commit(store, at(-2), listing("399.00", "599.00"))
        assert anomalies(store, manifest(at()), listing("399.00", "599.00")) == []
        # a price range that reached the struck amount (a variant sold at it) counts too
        commit(store, at(-1), {**listing("399.00"), "price_range": {"min": "399.00",
                                                                    "max": "699.00"}})
        assert anomalies(store, manifest(at()), listing("399.00", "699.00")) == []


@pytest.mark.parametrize("days", [
    (-2, -1),  # too few captures
    (-4, -3, -2, -1),  # not over enough of the week: the oldest only 4 days before
    (-6, -5.5, -5),  # the last 5 days unseen
])
def test_too_little_history_says_nothing(tmp_path: Path, days: tuple[float, ...]) -> None:
    with Store(tmp_path / "s") as store:
        for d in days:
            commit(store, at(d), listing("199.00", "599.00"))
        assert anomalies(store, manifest(at()), listing("199.00", "599.00")) == []


def test_blocked_pages_and_other_currencies_are_not_captures_of_the_listing(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        commit(store, at(-6), listing("199.00", "599.00"))
        commit(store, at(-4), listing("199.00", blocked=True))
        commit(store, at(-4.1), listing("29.00", "89.00", currency="USD"))
        commit(store, at(-2), listing("199.00", "599.00"))
        assert anomalies(store, manifest(at()), listing("199.00", "599.00")) == []
        # the same history seen through the same final URL (a short link's target)
        commit(store, at(-3), listing("199.00", "599.00"), url="https://s.example/x",
               final=URL)
        found = anomalies(store, manifest(at()), listing("199.00", "599.00"))
    assert codes(found) == ["fictitious_original_price"]
    assert len(found[0]["evidence"]["captures"]) == 3


def cd(text: str, ends: datetime, precision: int = 1, event: str = "end") -> dict[str, Any]:
    return {"text": text, "event": event, "remaining_s": 0, "precision_s": precision,
            "ends_at": rfc3339(ends, "seconds"), "source": "text"}


def test_a_deadline_moved_later_is_a_countdown_reset(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        first = commit(store, at(hours=-1), listing("199.00", countdown=cd("距结束 02:13:45",
                                                                            at(hours=1.23))))
        commit(store, at(hours=-0.5), listing("199.00"))  # no countdown shown: skipped
        now = listing("199.00", countdown=cd("距结束 02:13:45", at(hours=2.23)))
        found = stored_anomalies(store, manifest(at()), now)
    assert codes(found) == ["countdown_reset"]
    ev = found[0]["evidence"]
    assert ev["previous"]["id"] == first and ev["previous_ended"] is False
    assert ev["previous"]["ends_at"] == "2026-12-02T05:13:48Z"
    assert ev["current"]["ends_at"] == "2026-12-02T06:13:48Z"
    assert ev["previous"]["text"] == ev["current"]["text"] == "距结束 02:13:45"
    assert ev["moved_s"] == 3600


def test_a_countdown_that_ran_out_and_shows_again_is_a_reset(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        commit(store, at(-1), listing("199.00", countdown=cd("距结束 02:13:45", at(-1, hours=2))))
        found = anomalies(store, manifest(at()), listing(
            "199.00", countdown=cd("距结束 02:13:45", at(hours=2))))
    assert codes(found) == ["countdown_reset"]
    assert found[0]["evidence"]["previous_ended"] is True
    assert "已结束" in found[0]["text"]["zh"]


def test_the_same_deadline_and_a_new_announced_event_are_not_resets(tmp_path: Path) -> None:
    with Store(tmp_path / "s") as store:
        commit(store, at(hours=-2), listing("199.00", countdown=cd("距结束 04:13:45", at(hours=2))))
        # the same deadline read 2 h later, 90 s off (capture time, rounding)
        same = listing("199.00", countdown=cd("距结束 02:01:30", at(hours=2) + timedelta(seconds=90)))
        assert anomalies(store, manifest(at()), same) == []
        # "ends in 3 days" read a day apart: within the unit it is shown in
        commit(store, at(-1), listing("1.00", countdown=cd("Ends in 3 days", at(2), 86400)),
               url="https://shop.example/en/1")
        later = listing("1.00", countdown=cd("Ends in 3 days", at(2.6), 86400))
        assert anomalies(store, manifest(at(), url="https://shop.example/en/1"), later) == []
        # 双11 ran out; a 双12 countdown is a new event, announced as one
        commit(store, at(-3), listing("9.00", countdown=cd("距双11结束 01:00:00", at(-2))),
               url="https://shop.example/s/9")
        new = listing("9.00", countdown=cd("距双12结束 05:00:00", at(hours=5)))
        assert anomalies(store, manifest(at(), url="https://shop.example/s/9"), new) == []
        # a countdown to a sale's start is not compared with one to its end
        start = listing("199.00", countdown=cd("距开抢 09:00:00", at(hours=9), event="start"))
        assert anomalies(store, manifest(at()), start) == []


# -- real Chromium against the demo shop ---------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
FAST = "[capture]\nsettle = 2.0\nquiet_ms = 300\nscroll_delay_ms = 40\n"


class Clock:
    """The one time the shop and the capturer both read; a test moves it."""

    def __init__(self) -> None:
        self.t = datetime.now(UTC).replace(microsecond=0)

    def utc(self) -> datetime:
        return self.t

    def beijing(self) -> datetime:
        return self.t.astimezone(SHANGHAI).replace(tzinfo=None)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Captures over a (shared, moved) week: each page's outcomes in capture order."""
    tmp = tmp_path_factory.mktemp("history")
    (tmp / "fast.toml").write_text(FAST, "utf-8")
    settings = load(tmp / "fast.toml", env={})
    clock = Clock()
    start = clock.t
    plan: list[tuple[timedelta, int | None, tuple[str, ...]]] = [
        # (time from now, price-was version, pages captured then)
        (timedelta(days=-6), 1, ("price", "price-was")),
        (timedelta(days=-4), 1, ("price", "price-was")),
        (timedelta(days=-2), 2, ("price", "price-was")),
        (timedelta(0), 2, ("price", "price-was", "countdown", "countdown-fixed")),
        (timedelta(minutes=10), None, ("countdown",)),
        (timedelta(hours=3), None, ("countdown", "countdown-fixed")),
    ]
    out: dict[str, list[Any]] = {}

    async def run() -> None:
        with DemoShop(now=clock.beijing) as shop, Store(tmp / "store") as store:
            async with Capturer(settings, clock=clock.utc) as capturer:
                for offset, version, names in plan:
                    clock.t = start + offset
                    if version is not None:
                        shop.set_version("price-was", version)
                    for name in names:
                        got = await capture_one(capturer, store, f"{shop.url}/history/{name}",
                                                "listing")
                        assert got.error is None, got.error
                        out.setdefault(name, []).append(got)

    run_async(run())
    return {"outcomes": out, "store": tmp / "store"}


def found_in(outcome: Any, store_dir: Path, code: str) -> list[dict[str, Any]]:
    """The findings of ``code`` in the committed record of a capture."""
    with Store(store_dir) as store:
        record = store.record(outcome.snapshot_id) or {}
    return [a for a in record.get("anomalies") or [] if a["code"] == code]


@pytest.mark.browser
def test_a_countdown_that_restarts_at_every_load_is_found(history: dict[str, Any]) -> None:
    first, soon, later = history["outcomes"]["countdown"]
    shown = first.record["countdown"]
    assert shown["source"] == "text" and shown["event"] == "end"
    assert 8000 <= shown["remaining_s"] <= 8025  # 02:13:45, ticking down while it settled
    assert not found_in(first, history["store"], "countdown_reset")
    (moved,) = found_in(soon, history["store"], "countdown_reset")
    ev = moved["evidence"]
    assert ev["previous"]["id"] == first.snapshot_id and not ev["previous_ended"]
    assert 540 <= ev["moved_s"] <= 660  # ten minutes later, the same 02:13:45 again
    assert ev["current"]["text"].startswith("距结束")
    (again,) = found_in(later, history["store"], "countdown_reset")
    assert again["evidence"]["previous"]["id"] == soon.snapshot_id
    assert again["evidence"]["previous_ended"] is True


@pytest.mark.browser
def test_a_countdown_to_a_fixed_deadline_is_no_finding(history: dict[str, Any]) -> None:
    first, later = history["outcomes"]["countdown-fixed"]
    shown = [o.record["countdown"] for o in (first, later)]
    assert all(c["text"].startswith("距结束") and "天" in c["text"] for c in shown)
    assert shown[0]["remaining_s"] - shown[1]["remaining_s"] > 3 * 3600 - 60  # 3 h apart
    ends = [datetime.fromisoformat(c["ends_at"].replace("Z", "+00:00")) for c in shown]
    assert abs(ends[1] - ends[0]) < timedelta(minutes=1)  # one deadline, read twice
    assert not found_in(later, history["store"], "countdown_reset")


@pytest.mark.browser
def test_a_struck_price_never_charged_is_found_once_the_week_is_seen(history: dict[str, Any]) -> None:
    captures = history["outcomes"]["price"]
    assert all(o.record["original_price"]["amount"] == "599.00" for o in captures)
    # at -6, -4 and -2 days the store holds too few captures of the week to say it
    for early in captures[:3]:
        assert not found_in(early, history["store"], "fictitious_original_price")
    (finding,) = found_in(captures[3], history["store"], "fictitious_original_price")
    ev = finding["evidence"]
    assert [c["id"] for c in ev["captures"]] == [o.snapshot_id for o in captures[:3]]
    assert {c["price"]["amount"] for c in ev["captures"]} == {"199.00"}
    assert finding["text"]["en"].startswith("the struck original price 599.00 CNY")


@pytest.mark.browser
def test_a_struck_price_that_was_the_price_last_week_is_no_finding(history: dict[str, Any]) -> None:
    captures = history["outcomes"]["price-was"]
    assert [o.record["price"]["amount"] for o in captures] == ["599.00", "599.00", "399.00",
                                                               "399.00"]
    assert captures[3].record["original_price"]["amount"] == "599.00"
    assert not found_in(captures[3], history["store"], "fictitious_original_price")
    with Store(history["store"]) as store:
        manifest = store.manifest(captures[3].snapshot_id)[1]
    assert not any("stored anomalies" in w for w in manifest["warnings"])

