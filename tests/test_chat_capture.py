"""Chat capture in real Chromium against the demo shop's chat: history, screenshot, thread.

The shop's clock and the capture's clock are both fixed (2027-11-27 15:00 in Shanghai, then
the next morning), so 今天/昨天 are known; captures run in-process with an injected clock
and are committed to a real store, and `jianyipai thread` reads that store.
"""
from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from agent.demoshop import DemoShop
from agent.pipeline import Capturer
from agent.settings import load
from storage import Store
from tests.conftest import color_runs, run_async, run_cli

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2027, 11, 27, 15, 0)
DAY2 = datetime(2027, 11, 28, 10, 0)
VIEWPORT_HEIGHT = 900
BUYER_BUBBLE = (214, 236, 255)  # .msg-buyer .bubble background in shop.css
BOT_BUBBLE = (255, 248, 225)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def shop(self) -> datetime:  # the shop's wall clock, naive Shanghai time
        return self.now

    def utc(self) -> datetime:
        return self.now.replace(tzinfo=SHANGHAI).astimezone(UTC)


def capture_into(store_dir: Path, url: str, clock: Clock, config: Path | None = None,
                 kind: str = "chat") -> tuple[str, dict[str, Any], dict[str, Any], dict[str, bytes]]:
    settings = load(config, env={})

    async def run() -> Any:
        async with Capturer(settings, clock=clock.utc) as capturer:
            return await capturer.capture(url, kind)

    cap = run_async(run())
    with Store(store_dir) as store:
        snapshot_id, manifest = store.commit(cap.manifest, list(cap.artifacts.values()))
    return snapshot_id, manifest, cap.record, {n: a.data for n, a in cap.artifacts.items()}


@pytest.fixture(scope="module")
def thread_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two captures of /chat/s1: version 1 on day 1, version 2 (one message withdrawn, two
    new) the next morning."""
    store_dir = tmp_path_factory.mktemp("chat") / "store"
    clock = Clock(DAY1)
    with DemoShop(now=clock.shop) as shop:
        url = f"{shop.url}/chat/s1"
        t0 = time.monotonic()
        first = capture_into(store_dir, url, clock)
        took = time.monotonic() - t0
        api_calls = shop.hits["/api/chat/s1/messages"]
        plain = capture_into(store_dir, f"{shop.url}/chat/plain", clock)
        shop.set_chat_version("s1", 2)
        clock.now = DAY2
        second = capture_into(store_dir, url, clock)
    return {"store": store_dir, "url": url, "first": first, "second": second, "took": took,
            "api_calls": api_calls, "plain": plain}


def test_whole_history_loads_in_pages_to_the_start(thread_run: dict[str, Any]) -> None:
    _, manifest, record, _ = thread_run["first"]
    chat = manifest["chat"]
    assert chat["history"] == "start" and "bound" not in chat
    assert chat["container"] == "profile:demo"
    assert chat["pages_loaded"] == 5 and chat["messages_seen"] == 120
    assert thread_run["api_calls"] == 5  # 20 shown, 5 x 20 older, each after a 300 ms delay
    assert manifest["warnings"] == []
    msgs = record["messages"]
    assert [int(m["platform_id"]) for m in msgs] == list(range(1, 121))  # chronological
    assert [m["sent_at"] for m in msgs] == sorted(m["sent_at"] for m in msgs)
    assert record["profile"] == "demo" and record["counterpart"]["name"] == "某品牌官方旗舰店"


def test_unknown_markup_without_a_start_marker_is_read_by_the_generic_finder(
        thread_run: dict[str, Any]) -> None:
    """/chat/plain: the same thread in class names no profile knows, and no 没有更多消息了."""
    _, manifest, record, _ = thread_run["plain"]
    chat = manifest["chat"]
    assert chat["container"] == "generic" and chat["history"] == "stalled"
    assert chat["messages_seen"] == 120 and chat["pages_loaded"] == 5
    assert any("no start-of-history marker" in w for w in manifest["warnings"])
    assert record["profile"] == "generic"
    _, _, known, _ = thread_run["first"]
    assert [m["role"] for m in record["messages"]] == [m["role"] for m in known["messages"]]
    assert [m["sent_at"] for m in record["messages"]] == [m["sent_at"] for m in known["messages"]]
    # same sender, instant and text: same ids as the demo profile read (system rows show no sender)
    assert [m["id"] for m in record["messages"] if m["role"] != "system"] == \
        [m["id"] for m in known["messages"] if m["role"] != "system"]
    assert {p["code"] for p in record["promises"]} == {p["code"] for p in known["promises"]}


def test_warc_keeps_the_message_api_responses_and_images(thread_run: dict[str, Any]) -> None:
    _, _, _, artifacts = thread_run["first"]
    urls = [r.rec_headers.get_header("WARC-Target-URI")
            for r in ArchiveIterator(io.BytesIO(artifacts["warc"])) if r.rec_type == "response"]
    assert sum("/api/chat/s1/messages?before=" in u for u in urls) == 5
    assert sum("/img/chat-photo-" in u for u in urls) == 2




def test_screenshot_shows_the_whole_thread(thread_run: dict[str, Any]) -> None:
    _, manifest, record, artifacts = thread_run["first"]
    img = Image.open(io.BytesIO(artifacts["screenshot"])).convert("RGB")
    assert img.height > 5 * VIEWPORT_HEIGHT
    # every buyer bubble (right-aligned, light blue) and bot bubble (left, pale yellow) of
    # the 120 messages is in the picture, not only the 560 px window of the chat
    buyers = sum(m["role"] == "buyer" for m in record["messages"])
    bots = sum(m["role"] == "bot" for m in record["messages"])
    assert (buyers, bots) == (58, 5)
    assert color_runs(img, 995, BUYER_BUBBLE) == buyers
    assert color_runs(img, 290, BOT_BUBBLE) == bots
    assert not any(w.startswith("screenshot") for w in manifest["warnings"])


def test_timestamps_images_promises_in_the_record(thread_run: dict[str, Any]) -> None:
    _, _, record, _ = thread_run["first"]
    by_shown = {m["time_text"]: m["sent_at"] for m in record["messages"]}
    assert by_shown["今天 14:02"] == "2027-11-27T14:02:00+08:00"
    assert by_shown["昨天 09:15"] == "2027-11-26T09:15:00+08:00"
    assert by_shown["10-28 09:15"] == "2027-10-28T09:15:00+08:00"
    assert by_shown["2026-10-23 10:00"] == "2026-10-23T10:00:00+08:00"
    images = [m for m in record["messages"] if m["attachments"]]
    assert [a["kind"] for m in images for a in m["attachments"]] == ["image", "image"]
    assert all(a["url"].startswith(thread_run["url"].rsplit("/chat", 1)[0] + "/img/chat-photo-")
               for m in images for a in m["attachments"])
    ids = {m["id"]: m for m in record["messages"]}
    fake = next(p for p in record["promises"] if p["code"] == "counterfeit_compensation")
    assert ids[fake["message_id"]]["text"] == "保证正品，假一赔十！"
    swap = next(c for c in record["commitments"] if c["text"] == "我帮您申请换货")
    assert ids[swap["message_id"]]["role"] == "seller"


def test_second_capture_sees_new_and_withdrawn_messages(thread_run: dict[str, Any]) -> None:
    _, _, first, _ = thread_run["first"]
    _, manifest, second, _ = thread_run["second"]
    assert manifest["chat"]["history"] == "start" and manifest["chat"]["messages_seen"] == 122
    before = {m["id"] for m in first["messages"]}
    after = {m["id"] for m in second["messages"] if not m["withdrawn"]}
    assert len(before & after) == 119  # 今天 became 昨天, the ids did not change
    notice = [m for m in second["messages"] if m["withdrawn"]]
    assert [m["text"] for m in notice] == ["对方撤回了一条消息"]


def test_thread_merges_captures_without_duplicates(thread_run: dict[str, Any]) -> None:
    first_id, second_id = thread_run["first"][0], thread_run["second"][0]
    result = run_cli("thread", thread_run["url"], "--json", store=thread_run["store"])
    assert result.code == 0, result.err
    [thread] = result.json_lines()
    msgs = thread["messages"]
    assert len(msgs) == len({m["id"] for m in msgs}) == 122
    [gone] = [m for m in msgs if m["withdrawn"]]
    assert gone["text"] == "超过价保时间了哦，不过新订单的话七天内降价补差价。"
    assert (gone["first_seen"], gone["last_seen"], gone["withdrawn_in"]) == (first_id, first_id, second_id)
    assert [m["text"] for m in msgs if m["first_seen"] == second_id] == [
        "之前说七天内降价补差价，现在又降价了，怎么不补了？", "亲，活动商品不参与价保哦，非常抱歉。"]
    assert [s["id"] for s in thread["snapshots"]] == [first_id, second_id]
    withdrawn_promises = [p for p in thread["promises"] if p["withdrawn"]]
    assert [(p["code"], p["text"]) for p in withdrawn_promises] == [("price_protection", "七天内降价补差价")]

    text = run_cli("thread", thread_run["url"], store=thread_run["store"])
    assert text.code == 0, text.err
    assert "撤回 withdrawn" in text.out and "122, 1 withdrawn" in text.out


def test_thread_of_an_unknown_url_fails_in_one_line(thread_run: dict[str, Any]) -> None:
    result = run_cli("thread", "http://127.0.0.1:9/chat/none", store=thread_run["store"])
    assert result.code != 0 and "no snapshots of" in result.err and "Traceback" not in result.err


@pytest.fixture
def cli_shop() -> Any:
    with DemoShop() as shop:
        yield shop


def test_endless_history_stops_at_the_page_bound(cli_shop: DemoShop, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[chat]\nmax_pages = 3\n", "utf-8")
    t0 = time.monotonic()
    result = run_cli("capture", f"{cli_shop.url}/chat/endless", "--kind", "chat", "--json",
                     "--config", str(config), store=tmp_path / "s")
    assert result.code == 0, result.err
    assert time.monotonic() - t0 < 60
    [line] = result.json_lines()
    assert line["chat"]["history"] == "bound" and line["chat"]["bound"] == "pages"
    assert line["chat"]["pages_loaded"] == 3 and line["chat"]["messages_seen"] == 80
    assert any("after 3 pages (chat.max_pages)" in w and "start of the thread was not reached" in w
               for w in line["warnings"])
    assert len(line["record"]["messages"]) == 80


def test_endless_history_stops_at_the_time_bound(cli_shop: DemoShop, tmp_path: Path) -> None:
    t0 = time.monotonic()
    result = run_cli("capture", f"{cli_shop.url}/chat/endless", "--kind", "chat", "--json",
                     "--timeout", "12", store=tmp_path / "s")
    took = time.monotonic() - t0
    assert result.code == 0, result.err
    [line] = result.json_lines()
    assert line["chat"]["history"] == "bound" and line["chat"]["bound"] == "time"
    assert any("at the time bound" in w for w in line["warnings"])
    assert line["duration_s"] < 25 and took < 60  # 12 s, and the screenshot of what loaded
    assert line["chat"]["messages_seen"] >= 40


def test_non_chat_page_ends_quickly_with_a_warning(cli_shop: DemoShop, tmp_path: Path) -> None:
    result = run_cli("capture", f"{cli_shop.url}/item/1001", "--kind", "chat", "--json",
                     store=tmp_path / "s")
    assert result.code == 0, result.err
    [line] = result.json_lines()
    assert line["chat"]["history"] == "none" and line["chat"]["pages_loaded"] == 0
    assert any("no scrollable message list" in w for w in line["warnings"])
    assert line["duration_s"] < 10
    assert line["record"]["messages"] == []
    assert any("no chat messages" in w for w in line["record"]["warnings"])
