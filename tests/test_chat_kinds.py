"""Chats as real web chats load them (real Chromium, the demo shop's /im/ pages, no profile):
a list filled after ``load``, a column-reverse list, a list the page replaces, a windowed
list that keeps ~16 rows in the DOM, a thread in a cross-origin <iframe>, one in a shadow
root; then the thread merge, the redacted report, and bad input ending within its bound.

The shop's clock and the capture's are fixed (as in test_chat_capture), so 今天/昨天 are
known; captures run in-process, in one browser, and are committed to a real store.
"""
from __future__ import annotations

import base64
import io
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.async_api import async_playwright

from agent.capture.browser import launch
from agent.demoshop import DemoShop
from agent.demoshop.im_data import LATE_PHONE
from agent.pipeline import Capturer
from agent.settings import load
from extractors import extract_chat
from storage import Store
from tests.conftest import color_runs, run_async, run_cli

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2027, 11, 27, 15, 0)
DAY2 = datetime(2027, 11, 28, 10, 0)
CUSTOMER_BUBBLE = (220, 248, 198)  # .cs-msg--customer .cs-msg__body in im.css
BOT_BUBBLE = (255, 244, 214)
FRAME_CUSTOMER_X = 1234  # right-aligned customer bubbles in the widget (right: 16px, 380 px wide)
FRAME_BOT_X = 912
KINDS = {"late": "/im/late", "reverse": "/im/late?reverse=1", "remount": "/im/late?remount=1",
         "window": "/im/window", "frame": "/im/frame", "shadow": "/im/shadow"}
ROLES_60 = {"buyer": 30, "seller": 25, "system": 2, "bot": 3}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def shop(self) -> datetime:
        return self.now

    def utc(self) -> datetime:
        return self.now.replace(tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture(scope="module")
def im_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each /im/ page captured once on day 1, /im/late again the next morning."""
    store_dir = tmp_path_factory.mktemp("im") / "store"
    clock = Clock(DAY1)
    settings = load(None, env={})
    out: dict[str, Any] = {"store": store_dir}

    async def run(shop: DemoShop) -> None:
        async with Capturer(settings, clock=clock.utc) as capturer:
            for name, path in [*KINDS.items(), ("late2", KINDS["late"])]:
                if name == "late2":
                    clock.now = DAY2
                t0 = time.monotonic()
                cap = await capturer.capture(shop.url + path, "chat")
                took = time.monotonic() - t0
                with Store(store_dir) as store:
                    sid, manifest = store.commit(cap.manifest, list(cap.artifacts.values()))
                out[name] = {"id": sid, "manifest": manifest, "record": cap.record, "took": took,
                             "artifacts": {n: a.data for n, a in cap.artifacts.items()},
                             "url": shop.url + path}

    with DemoShop(now=clock.shop) as shop:
        out["shop"] = shop.url
        run_async(run(shop))
    return out


def _ids_in_order(record: dict[str, Any]) -> list[int]:
    return [int(m["platform_id"]) for m in record["messages"]]


def _roles(record: dict[str, Any]) -> dict[str, int]:
    return {r: sum(m["role"] == r for m in record["messages"]) for r in ROLES_60}


def test_late_list_is_waited_for_and_loaded_to_its_start(im_run: dict[str, Any]) -> None:
    """The list is empty at load; 20 of 60 arrive by fetch() later, older pages on scroll."""
    got = im_run["late"]
    chat, record = got["manifest"]["chat"], got["record"]
    assert chat["container"] == "generic" and chat["history"] == "start"
    assert chat["found_after_s"] > 0.3  # looked for until the list arrived, not once at load
    assert (chat["pages_loaded"], chat["messages_seen"], chat["rows_collected"]) == (2, 60, 60)
    assert chat["frame"] is None and not chat["windowed"] and chat["record_from"] == "page"
    assert got["manifest"]["warnings"] == []
    assert record["profile"] == "generic"
    assert _ids_in_order(record) == list(range(1, 61))
    assert [m["sent_at"] for m in record["messages"]] == sorted(m["sent_at"] for m in record["messages"])
    assert _roles(record) == ROLES_60
    by_id = {m["id"]: m for m in record["messages"]}
    for code, text in (("counterfeit_compensation", "假一赔十"), ("price_protection", "七天内降价补差价")):
        [promise] = [p for p in record["promises"] if p["code"] == code]
        assert promise["text"] == text
        said = by_id[promise["message_id"]]
        assert said["role"] == "seller" and int(said["platform_id"]) <= 20  # the oldest page only
    assert "chat_html" not in got["artifacts"]  # the page's own DOM held every row
    assert got["took"] < 15


def test_column_reverse_list_is_read_in_the_order_it_is_drawn(im_run: dict[str, Any]) -> None:
    """Newest row first in the DOM, scrollTop 0 at the bottom, the start marker last."""
    got = im_run["reverse"]
    chat = got["manifest"]["chat"]
    assert chat["history"] == "start" and chat["reordered"] and chat["record_from"] == "thread"
    assert _ids_in_order(got["record"]) == list(range(1, 61))
    same = im_run["late"]["record"]["messages"]
    assert [m["id"] for m in got["record"]["messages"]] == [m["id"] for m in same]
    # the record is read from the stored thread document, so it can be read again from it
    again = extract_chat(got["artifacts"]["chat_html"], got["url"],
                         captured_at=got["manifest"]["captured_at"], timezone="Asia/Shanghai")
    assert [m["id"] for m in again["messages"]] == [m["id"] for m in got["record"]["messages"]]


def test_a_list_the_page_replaces_is_found_again(im_run: dict[str, Any]) -> None:
    got = im_run["remount"]
    chat = got["manifest"]["chat"]
    assert chat["redetected"] >= 1 and chat["history"] == "start"
    assert _ids_in_order(got["record"]) == list(range(1, 61))
    assert got["manifest"]["warnings"] == []


def test_windowed_list_keeps_few_rows_in_the_dom(shop: DemoShop) -> None:
    """The demo's windowed list is what it claims: never more than 25 rows in the DOM."""
    async def run() -> list[int]:
        async with async_playwright() as pw:
            browser = await launch(pw, load(None, env={}).get("browser", "path"))
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await page.goto(shop.url + KINDS["window"])
            await page.wait_for_function("() => document.querySelectorAll('.vrow').length > 5")
            counts = []
            for _ in range(40):
                counts.append(await page.evaluate("() => document.querySelectorAll('.vrow').length"))
                await page.evaluate("() => { const b = document.querySelector('.vlist'); b.scrollTop -= 300; }")
                await page.wait_for_timeout(60)
            counts.append(await page.evaluate("() => document.querySelectorAll('.vlist .vrow').length"))
            total = await page.evaluate("() => document.querySelector('.vlist-inner').offsetHeight")
            await browser.close()
            return [*counts, total]

    *counts, height = run_async(run())
    assert max(counts) <= 25 and height > 90 * 56  # all 90 loaded, a handful drawn


def test_windowed_list_yields_every_message_once_in_order(im_run: dict[str, Any]) -> None:
    got = im_run["window"]
    chat, record = got["manifest"]["chat"], got["record"]
    assert chat["windowed"] and chat["rows_collected"] == 90 and chat["history"] == "start"
    assert chat["record_from"] == "thread" and "gaps" not in chat
    texts = [m["text"] for m in record["messages"]]
    assert [int(re.match(r"第(\d+)条", t)[1]) for t in texts] == list(range(1, 91))
    assert len({m["id"] for m in record["messages"]}) == 90
    assert [m["role"] for m in record["messages"][:3]] == ["seller", "buyer", "seller"]
    assert "return_no_reason" in {p["code"] for p in record["promises"]}  # said in message 1
    assert got["manifest"]["warnings"] == []
    # the page's own DOM holds a window of the thread; the thread document holds all of it
    assert len(re.findall(r'class="vrow ', got["artifacts"]["html"].decode())) < 30
    assert len(re.findall(r'class="vrow ', got["artifacts"]["chat_html"].decode())) == 90
    # screenshot evidence: the list shot at each scroll position, appended, oldest first
    screens = chat["screens"]
    assert screens["how"] == "appended" and screens["shots"] >= 8
    img = Image.open(io.BytesIO(got["artifacts"]["screenshot"])).convert("RGB")
    assert img.height >= screens["y"] + screens["shots"] * 560
    # the phone number in message 10 is boxed in every shot that shows it
    phones = [b for b in json.loads(got["artifacts"]["layout"])["pii_boxes"] if b["kind"] == "phone"]
    assert phones and all(b["y"] > screens["y"] and _region_has_ink(img, b) for b in phones)


def test_cross_origin_frame_is_searched_read_and_shown_whole(im_run: dict[str, Any]) -> None:
    got = im_run["frame"]
    chat, record = got["manifest"]["chat"], got["record"]
    shop_host = im_run["shop"].split("//")[1].split(":")[0]
    assert chat["frame"] and chat["frame"].startswith("http://localhost:") and shop_host == "127.0.0.1"
    assert chat["history"] == "start" and chat["rows_collected"] == 60 and chat["record_from"] == "thread"
    assert len(record["messages"]) == 60 and _roles(record) == ROLES_60
    assert [m["text"] for m in record["messages"]] == [m["text"] for m in im_run["late"]["record"]["messages"]]
    assert {"counterfeit_compensation", "price_protection"} <= {p["code"] for p in record["promises"]}
    assert "假一赔十" not in got["artifacts"]["html"].decode()  # the page's own DOM has no message
    # the screenshot shows the frame's whole thread: every customer and bot bubble is drawn
    img = Image.open(io.BytesIO(got["artifacts"]["screenshot"])).convert("RGB")
    assert color_runs(img, FRAME_CUSTOMER_X, CUSTOMER_BUBBLE) == 30
    assert color_runs(img, FRAME_BOT_X, BOT_BUBBLE) == 3
    assert chat["screens"]["how"] == "frame pasted"
    # the phone number in the frame is boxed for --redact, where the frame is drawn
    layout = json.loads(got["artifacts"]["layout"])
    [phone] = [b for b in layout["pii_boxes"] if b["kind"] == "phone"]
    assert phone["x"] > 1280 - 16 - 380 and _region_has_ink(img, phone)


def test_shadow_root_is_searched(im_run: dict[str, Any]) -> None:
    got = im_run["shadow"]
    chat = got["manifest"]["chat"]
    assert chat["shadow"] and chat["history"] == "start" and chat["record_from"] == "thread"
    assert _ids_in_order(got["record"]) == list(range(1, 61))
    assert "假一赔十" not in got["artifacts"]["html"].decode()  # page.content() has no shadow DOM


def test_thread_merges_two_captures_of_a_late_list(im_run: dict[str, Any]) -> None:
    """Day 1 and day 2 (今天 became 昨天): one timeline, every message once, seen twice."""
    url = im_run["late"]["url"]
    result = run_cli("thread", url, "--json", store=im_run["store"])
    assert result.code == 0, result.err
    [thread] = result.json_lines()
    msgs = thread["messages"]
    assert len(msgs) == len({m["id"] for m in msgs}) == 60
    assert all(m["seen"] == 2 for m in msgs) and not any(m["withdrawn"] for m in msgs)
    assert [s["id"] for s in thread["snapshots"]] == [im_run["late"]["id"], im_run["late2"]["id"]]
    fake = next(p for p in thread["promises"] if p["code"] == "counterfeit_compensation")
    assert fake["first_seen"] == im_run["late"]["id"]


def test_redacted_report_masks_the_phone_from_the_oldest_page(im_run: dict[str, Any],
                                                                tmp_path: Path) -> None:
    for name in ("late", "frame", "shadow", "window"):
        got = im_run[name]
        layout = json.loads(got["artifacts"]["layout"])
        phones = [b for b in layout["pii_boxes"] if b["kind"] == "phone"]
        assert phones and (name == "window" or len(phones) == 1), name  # window: in 2 shots
        out = tmp_path / f"{name}.html"
        result = run_cli("report", got["id"], "--redact", "-o", str(out), store=im_run["store"])
        assert result.code == 0, result.err
        page = out.read_text("utf-8")
        assert LATE_PHONE not in re.sub(r"\s+", "", re.sub(r"base64,[A-Za-z0-9+/=]+", "", page))
        assert "138****5678" in page  # the message is listed, masked
        shown = Image.open(io.BytesIO(base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", page)[1])))
        original = Image.open(io.BytesIO(got["artifacts"]["screenshot"])).convert("RGB")
        for phone in phones:
            assert _painted(shown.convert("RGB"), phone) and not _painted(original, phone), name


def test_a_frame_that_never_loads_ends_within_the_bound_with_a_warning(shop: DemoShop,
                                                                      tmp_path: Path) -> None:
    t0 = time.monotonic()
    result = run_cli("capture", f"{shop.url}/im/frame-hang", "--kind", "chat", "--json",
                     "--timeout", "12", store=tmp_path / "s")
    assert result.code == 0, result.err
    assert time.monotonic() - t0 < 45
    [line] = result.json_lines()
    assert line["duration_s"] < 20 and line["chat"]["history"] == "none"
    [warning] = [w for w in line["warnings"] if w.startswith("chat:")]
    assert "no scrollable message list" in warning and "never finished loading" in warning
    assert "/im/never" in warning  # names the frame


# -- helpers -----------------------------------------------------------------------------




def _crop(img: Image.Image, box: dict[str, Any]) -> Image.Image:
    return img.crop((int(box["x"]) + 1, int(box["y"]) + 1, int(box["x"] + box["w"]) - 1,
                     int(box["y"] + box["h"]) - 1))


def _painted(img: Image.Image, box: dict[str, Any]) -> bool:
    lo, hi = zip(*_crop(img, box).getextrema(), strict=True)
    return max(hi) - min(lo) < 8 and max(hi) < 60


def _region_has_ink(img: Image.Image, box: dict[str, Any]) -> bool:
    colors = _crop(img, box).getcolors(1 << 20) or []
    return len(colors) > 4
