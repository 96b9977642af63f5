"""The chat extractor, offline: saved chat pages in, records out (no browser)."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from extractors import ExtractError, extract_chat, register_chat_profile
from extractors.chat import message_id
from extractors.chat_profiles import all_chat_profiles, parse_chat_profile
from extractors.chattime import resolve
from extractors.commitments import find_commitments
from tests.conftest import ROOT

CHATS = ROOT / "tests" / "corpus" / "chats"
DEMO_URL = "http://127.0.0.1:8765/chat/s1"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# the demo pages were saved from captures at 2027-11-27 15:00 and 2027-11-28 10:00 in Shanghai
DAY1 = "2027-11-27T07:00:00Z"
DAY2 = "2027-11-28T02:00:00Z"


def demo(name: str = "demo_s1_v1.html", at: str = DAY1) -> dict:
    return extract_chat((CHATS / name).read_bytes(), DEMO_URL, captured_at=at,
                        timezone="Asia/Shanghai")


def test_demo_thread_record_shape() -> None:
    rec = demo()
    assert rec["schema"] == "jianyipai.chat/1" and rec["kind"] == "chat"
    assert rec["site"] == "demo" and rec["profile"] == "demo" and rec["url"] == DEMO_URL
    assert rec["counterpart"] == {"name": "某品牌官方旗舰店", "kind": "shop", "agents": ["客服小美"]}
    assert rec["warnings"] == []
    msgs = rec["messages"]
    assert [int(m["platform_id"]) for m in msgs] == list(range(1, 121))
    assert len({m["id"] for m in msgs}) == 120
    for m in msgs:
        assert set(m) >= {"id", "sender", "role", "sent_at", "time_text", "text", "attachments",
                          "withdrawn"}
        assert m["role"] in ("buyer", "seller", "system", "bot")
    assert [m["sent_at"] for m in msgs] == sorted(m["sent_at"] for m in msgs)
    roles = {m["role"] for m in msgs}
    assert roles == {"buyer", "seller", "system", "bot"}
    assert msgs[0]["role"] == "bot" and msgs[0]["text"].startswith("【自动回复】")
    assert msgs[2] == {**msgs[2], "role": "system", "sender": "系统"}


@pytest.mark.parametrize("shown, instant", [
    ("2026-10-23 10:00", "2026-10-23T10:00:00+08:00"),  # more than a year ago: full date
    ("10-28 09:15", "2027-10-28T09:15:00+08:00"),  # this year: month-day
    ("昨天 09:15", "2027-11-26T09:15:00+08:00"),
    ("今天 14:02", "2027-11-27T14:02:00+08:00"),
])
def test_demo_timestamps_resolved_against_the_capture_time(shown: str, instant: str) -> None:
    msgs = demo()["messages"]
    [m] = [m for m in msgs if m["time_text"] == shown]
    assert m["sent_at"] == instant


def test_same_message_same_id_when_today_became_yesterday() -> None:
    day1 = {m["platform_id"]: m for m in demo()["messages"]}
    day2 = {m["platform_id"]: m for m in demo("demo_s1_v2_next_day.html", DAY2)["messages"]}
    assert day1["101"]["time_text"] == "今天 14:15" and day2["101"]["time_text"] == "昨天 14:15"
    assert day1["101"]["id"] == day2["101"]["id"]
    same = [pid for pid in day1 if pid in day2 and pid != "72"]
    assert len(same) == 119
    assert all(day1[pid]["id"] == day2[pid]["id"] for pid in same)


def test_withdrawn_notice_is_marked() -> None:
    msgs = {m["platform_id"]: m for m in demo("demo_s1_v2_next_day.html", DAY2)["messages"]}
    notice = msgs["72"]
    assert notice["withdrawn"] is True and notice["role"] == "system"
    assert notice["text"] == "对方撤回了一条消息" and notice["withdrawn_by"] == "seller"
    assert notice["time_text"] is None and notice["sent_at"] == msgs["71"]["sent_at"]
    assert sum(m["withdrawn"] for m in msgs.values()) == 1


def test_image_messages_have_attachments() -> None:
    images = [m for m in demo()["messages"] if m["attachments"]]
    assert len(images) == 2
    for m in images:
        assert m["role"] == "buyer" and m["text"] == "[图片]"
        [att] = m["attachments"]
        assert att == {"kind": "image", "url": f"http://127.0.0.1:8765/img/chat-photo-{m['platform_id']}.svg",
                       "alt": "[图片]"}


def test_seller_promises_and_commitments_carry_message_ids() -> None:
    rec = demo()
    by_id = {m["id"]: m for m in rec["messages"]}
    codes = {(p["code"], p["text"]) for p in rec["promises"]}
    assert {("genuine_guarantee", "保证正品"), ("counterfeit_compensation", "假一赔十"),
            ("return_no_reason", "7天无理由退货"), ("ship_within", "48小时内发货"),
            ("price_protection", "七天内降价补差价"), ("warranty", "联保一年")} <= codes
    for p in rec["promises"]:
        assert p["source"] == "chat"
        assert by_id[p["message_id"]]["role"] == "seller"
        assert p["text"] in by_id[p["message_id"]]["text"]
    ten = next(p for p in rec["promises"] if p["code"] == "counterfeit_compensation")
    assert ten["params"] == {"multiple": 10} and by_id[ten["message_id"]]["sender"] == "某品牌官方旗舰店"
    texts = {c["text"] for c in rec["commitments"]}
    assert {"我帮您申请换货", "明天给您发货", "会在3个工作日内退回原支付账户", "给您加急处理",
            "今天就能发出"} <= texts
    for c in rec["commitments"]:
        assert c["code"] == "commitment" and by_id[c["message_id"]]["role"] == "seller"
        assert c["text"] in by_id[c["message_id"]]["text"]
    # the buyer's words are never the seller's promise
    buyer_ids = {m["id"] for m in rec["messages"] if m["role"] != "seller"}
    assert not buyer_ids & {p["message_id"] for p in rec["promises"] + rec["commitments"]}


def test_generic_finder_reads_an_unknown_chat_with_time_rows() -> None:
    rec = extract_chat((CHATS / "generic_separators.html").read_bytes(),
                       "https://shop.example.com/kefu", captured_at=DAY1, timezone="Asia/Shanghai")
    assert rec["profile"] == "generic" and rec["site"] == "shop.example.com"
    msgs = rec["messages"]
    assert [m["role"] for m in msgs] == ["seller", "buyer", "buyer", "seller", "seller", "system",
                                        "buyer", "buyer", "seller"]
    assert [m["sent_at"][:16] for m in msgs] == ["2027-11-20T20:15"] * 3 + ["2027-11-26T09:30"] * 5 + \
        ["2027-11-27T14:05"]
    assert msgs[0]["sender"] == "小店客服阿杰" and msgs[1]["sender"] == "我"
    assert msgs[2]["attachments"] == [{"kind": "image", "url": "https://img.example.com/p/123.jpg",
                                       "alt": "图片"}]  # the avatars are not attachments
    assert [a["kind"] for a in msgs[4]["attachments"]] == ["file", "link"]
    assert msgs[4]["attachments"][0]["url"] == "https://shop.example.com/files/return.pdf"
    assert msgs[5]["withdrawn"] and msgs[5]["withdrawn_by"] == "seller"
    # 好的 twice in one minute: two messages, two ids
    assert msgs[6]["text"] == msgs[7]["text"] == "好的" and msgs[6]["id"] != msgs[7]["id"]
    assert msgs[8]["text"] == "支持7天无理由退货，全国包邮。\n有问题随时找我～"
    assert {p["code"] for p in rec["promises"]} == {"return_no_reason", "free_shipping"}
    assert [c["text"] for c in rec["commitments"]] == ["我帮您申请退款", "3个工作日内到账"]
    assert rec["counterpart"]["name"] == "小店客服阿杰" and rec["counterpart"]["kind"] == "agent"


TAOBAO = """<html><head><title>旺旺</title></head><body>
<div class="ww-chat-title">某某数码专营店</div>
<div class="ww-message-list">
 <div class="ww-message-item ww-message-item-other"><span class="ww-message-nick">数码小二</span>
  <span class="ww-message-time">周三 10:00</span><div class="ww-message-content">正品保证，假一赔三</div></div>
 <div class="ww-message-item ww-message-item-self"><span class="ww-message-nick">tb_buyer</span>
  <span class="ww-message-time">周三 10:01</span><div class="ww-message-content">好的</div></div>
</div></body></html>"""


def test_site_profile_chosen_by_host() -> None:
    rec = extract_chat(TAOBAO, "https://wangwang.taobao.com/chat?touid=abc", captured_at=DAY1,
                       timezone="Asia/Shanghai")
    assert rec["profile"] == "taobao" and rec["site"] == "taobao"
    assert rec["counterpart"]["name"] == "某某数码专营店" and rec["counterpart"]["kind"] == "shop"
    seller, buyer = rec["messages"]
    assert (seller["role"], seller["sender"], buyer["role"]) == ("seller", "数码小二", "buyer")
    assert seller["sent_at"] == "2027-11-24T10:00:00+08:00"  # the Wednesday before Saturday 27th
    assert {p["code"] for p in rec["promises"]} == {"genuine_guarantee", "counterfeit_compensation"}


def test_english_chat_and_commitments() -> None:
    html = """<ul class="chat-messages">
      <li class="message message--agent"><b class="author">Anna (Support)</b><time>Yesterday 9:15 PM</time>
        <p class="text">Sorry about that! I'll refund you tomorrow. Free returns within 30 days.</p></li>
      <li class="message message--customer"><b class="author">You</b><time>Yesterday 9:16 PM</time>
        <p class="text">Thanks</p></li>
      <li class="message message--agent"><b class="author">Anna (Support)</b><time>9:02 AM</time>
        <p class="text">We will send a replacement today. We can't cover the return shipping.</p></li>
    </ul>"""
    rec = extract_chat(html, "https://help.example.com/chat/42", captured_at="2027-11-27T15:00:00Z",
                       timezone="Europe/London")
    a, b, c = rec["messages"]
    assert (a["role"], b["role"], c["role"]) == ("seller", "buyer", "seller")
    assert a["sent_at"] == "2027-11-26T21:15:00+00:00" and c["sent_at"] == "2027-11-27T09:02:00+00:00"
    assert [p["code"] for p in rec["promises"]] == ["return_no_reason"]
    assert [x["text"] for x in rec["commitments"]] == ["I'll refund you tomorrow",
                                                       "We will send a replacement today"]


def test_without_a_capture_time_relative_times_stay_unresolved() -> None:
    rec = extract_chat((CHATS / "demo_s1_v1.html").read_bytes(), DEMO_URL)
    assert any("no capture time" in w for w in rec["warnings"])
    full = [m for m in rec["messages"] if m["time_text"] == "2026-10-23 10:00"]
    assert full and full[0]["sent_at"] is None  # even absolute ones need the zone's offset
    assert all(m["id"] for m in rec["messages"])


def test_not_a_chat_page_gives_no_messages_and_a_warning() -> None:
    html = "<html><body><h1>商品</h1><ul><li>7天无理由退货</li><li>正品保证</li><li>包邮</li></ul></body></html>"
    rec = extract_chat(html, "https://shop.example.com/item/1", captured_at=DAY1)
    assert rec["messages"] == [] and rec["promises"] == []
    assert any("no chat messages" in w for w in rec["warnings"])


@pytest.mark.parametrize("data", [b"", b"   ", b"\x89PNG\r\n\x1a\n\x00\x00", b"\x1f\x8b\x08\x00"])
def test_bad_input_raises_extract_error(data: bytes) -> None:
    with pytest.raises(ExtractError):
        extract_chat(data, DEMO_URL)


def test_profiles_load_and_bad_profiles_are_rejected() -> None:
    names = {p.name for p in all_chat_profiles()}
    assert {"demo", "taobao", "jd", "pinduoduo"} <= names
    for p in all_chat_profiles():
        assert p.sel("scroll") and p.sel("message"), p.name
    with pytest.raises(ValueError, match="unknown key"):
        parse_chat_profile({"name": "x", "colour": "red"}, "x.toml")
    with pytest.raises(ValueError, match=r"unknown part\(s\) in \[selectors\]"):
        parse_chat_profile({"name": "x", "selectors": {"bubble": ".b"}}, "x.toml")
    with pytest.raises(ValueError, match="roles.values"):
        parse_chat_profile({"name": "x", "roles": {"values": {"me": "customer"}}}, "x.toml")


def test_registered_profile_is_tried_first() -> None:
    register_chat_profile({"name": "acme", "hosts": ["acme.test"],
                           "selectors": {"message": [".line"], "sender": [".who"], "time": [".at"],
                                         "text": [".say"], "scroll": [".log"]},
                           "roles": {"attr": "data-side", "values": {"l": "seller", "r": "buyer"}}})
    html = ('<div class="log"><p class="line" data-side="l"><i class="who">阿克米</i><i class="at">昨天 08:00</i>'
            '<i class="say">明天给您发货</i></p></div>')
    rec = extract_chat(html, "https://acme.test/c", captured_at=DAY1, timezone="Asia/Shanghai")
    assert rec["profile"] == "acme"
    [m] = rec["messages"]
    assert (m["role"], m["sender"], m["sent_at"]) == ("seller", "阿克米", "2027-11-26T08:00:00+08:00")
    assert [c["text"] for c in rec["commitments"]] == ["明天给您发货"]


def test_time_formats() -> None:
    now = datetime(2027, 11, 27, 15, 0, tzinfo=SHANGHAI)
    cases = {
        "今天 14:02": "2027-11-27T14:02", "14:02": "2027-11-27T14:02", "昨天 09:15": "2027-11-26T09:15",
        "前天 23:59": "2027-11-25T23:59", "11-26 09:15": "2027-11-26T09:15",
        "12-30 23:59": "2026-12-30T23:59", "2026-10-23 10:00": "2026-10-23T10:00",
        "2026年10月23日 10:00": "2026-10-23T10:00", "11月26日 下午3:05": "2027-11-26T15:05",
        "星期三 10:00": "2027-11-24T10:00", "3分钟前": "2027-11-27T14:57", "刚刚": "2027-11-27T15:00",
        "Yesterday 9:15 PM": "2027-11-26T21:15", "2027-11-27T06:02:00Z": "2027-11-27T14:02",
    }
    for shown, expect in cases.items():
        got = resolve(shown, now)
        assert got is not None and got.isoformat()[:16] == expect, shown
    for bad in ("", "hello", "25:00", "2027-02-30 10:00"):
        assert resolve(bad, now) is None, bad


def test_message_id_is_sender_instant_text() -> None:
    a = datetime(2027, 11, 27, 14, 2, tzinfo=SHANGHAI)
    b = datetime(2027, 11, 27, 6, 2, tzinfo=UTC)  # the same instant in another zone
    assert message_id("客服小美", a, "今天 14:02", "好的") == message_id("客服小美", b, "昨天 14:02", "好的")
    assert message_id("客服小美", a, None, "好的") != message_id("我", a, None, "好的")
    assert message_id("客服小美", a, None, "好的", 1) != message_id("客服小美", a, None, "好的")


@pytest.mark.parametrize("text, expected", [
    ("您这个还在保修期内，我帮您申请换货。", ["我帮您申请换货"]),
    ("非常抱歉给您带来不便，明天给您发货。", ["明天给您发货"]),
    ("好的，稍后短信通知您", ["稍后短信通知您"]),
    ("I'll refund you tomorrow.", ["I'll refund you tomorrow"]),
    ("我们不会退款的", []),
    ("请问什么时候发货？", []),
    ("亲，您好！", []),
])
def test_commitments(text: str, expected: list[str]) -> None:
    assert find_commitments(text) == expected


@pytest.mark.parametrize("text, code, params", [
    ("不过新订单的话七天内降价补差价。", "price_protection", {"days": 7}),
    ("降价补差价哦", "price_protection", {}),
    ("今天下午四点前的订单当天发出哦", "ship_within", {"hours": 24, "same_day": True}),
])
def test_chat_wordings_of_promises(text: str, code: str, params: dict) -> None:
    from extractors import find_promises

    [p] = find_promises(text, source="chat")
    assert (p["code"], p["params"], p["source"]) == (code, params, "chat")


def test_an_expired_price_protection_is_not_a_promise() -> None:
    from extractors import find_promises

    assert find_promises("超过价保时间了哦") == []
    assert find_promises("已过价保期") == []
