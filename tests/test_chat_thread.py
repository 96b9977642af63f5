"""storage/thread.py: captures of one chat merged into one timeline (pure, no browser)."""
from __future__ import annotations

from typing import Any

from extractors import extract_chat
from storage.thread import merge_thread
from tests.test_chat_extract import CHATS, DAY1, DAY2, DEMO_URL


def cap(sid: str, name: str, at: str, history: str = "start") -> dict[str, Any]:
    record = extract_chat((CHATS / name).read_bytes(), DEMO_URL, captured_at=at,
                          timezone="Asia/Shanghai")
    return {"id": sid, "captured_at": at, "record": record, "chat": {"history": history}}


def msg(mid: str, text: str, role: str = "seller", **extra: Any) -> dict[str, Any]:
    return {"id": mid, "sender": "客服" if role == "seller" else "我", "role": role,
            "sent_at": None, "time_text": None, "text": text, "attachments": [],
            "withdrawn": False, **extra}


def rec(*messages: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "chat", "url": "u", "messages": list(messages), "promises": [], "commitments": []}


def test_two_captures_of_the_demo_chat_merge_without_duplicates() -> None:
    a, b = "a" * 64, "b" * 64
    day1, day2 = cap(a, "demo_s1_v1.html", DAY1), cap(b, "demo_s1_v2_next_day.html", DAY2)
    thread = merge_thread([day1, day2])
    msgs = thread["messages"]
    ids = [m["id"] for m in msgs]
    assert len(ids) == len(set(ids)) == 122  # 120, two new; the notice is message 72 itself
    assert [int(m["platform_id"]) for m in msgs] == list(range(1, 123))
    withdrawn = [m for m in msgs if m["withdrawn"]]
    assert len(withdrawn) == 1 and thread["withdrawn"] == 1
    [w] = withdrawn
    assert w["text"] == "超过价保时间了哦，不过新订单的话七天内降价补差价。"
    assert (w["first_seen"], w["last_seen"], w["withdrawn_in"]) == (a, a, b)
    assert w["withdrawn_how"] == "notice" and w["withdrawal_notice"] == "对方撤回了一条消息"
    new = [m for m in msgs if m["first_seen"] == b]
    assert [m["platform_id"] for m in new] == ["121", "122"]
    assert all(m["last_seen"] == b for m in msgs if not m["withdrawn"])
    assert thread["snapshots"] == [
        {"id": a, "captured_at": DAY1, "history": "start", "messages": 120, "new": 120, "withdrawn": 0},
        {"id": b, "captured_at": DAY2, "history": "start", "messages": 122, "new": 2, "withdrawn": 1},
    ]
    promise = next(p for p in thread["promises"] if p["code"] == "price_protection"
                   and p["message_id"] == w["id"])
    assert promise["withdrawn"] is True and promise["first_seen"] == a
    assert not any(p["withdrawn"] for p in thread["promises"] if p["message_id"] != w["id"])
    # merging is idempotent: the same capture again changes nothing
    again = merge_thread([day1, day2, {**day2, "id": "c" * 64}])
    assert [m["id"] for m in again["messages"]] == ids and again["withdrawn"] == 1


def test_a_message_gone_without_a_notice_is_kept_and_marked() -> None:
    one = rec(msg("m1", "在的"), msg("m2", "明天给您发货"), msg("m3", "好", "buyer"))
    two = rec(msg("m1", "在的"), msg("m3", "好", "buyer"), msg("m4", "谢谢", "buyer"))
    thread = merge_thread([{"id": "s1", "record": one, "chat": {"history": "start"}},
                           {"id": "s2", "record": two, "chat": {"history": "start"}}])
    assert [m["id"] for m in thread["messages"]] == ["m1", "m2", "m3", "m4"]
    m2 = thread["messages"][1]
    assert m2["withdrawn"] and m2["withdrawn_how"] == "missing" and m2["withdrawn_in"] == "s2"
    assert m2["last_seen"] == "s1"


def test_a_partial_capture_does_not_withdraw_what_it_did_not_load() -> None:
    full = rec(msg("m1", "old"), msg("m2", "older reply"), msg("m3", "new"))
    bounded = rec(msg("m3", "new"), msg("m4", "newest"))  # stopped at a bound: m1, m2 unseen
    thread = merge_thread([{"id": "s1", "record": full, "chat": {"history": "start"}},
                           {"id": "s2", "record": bounded, "chat": {"history": "bound"}}])
    assert [m["id"] for m in thread["messages"]] == ["m1", "m2", "m3", "m4"]
    assert not any(m["withdrawn"] for m in thread["messages"])


def test_a_later_capture_that_reaches_further_back_inserts_before() -> None:
    bounded = rec(msg("m3", "c"), msg("m4", "d"))
    full = rec(msg("m1", "a"), msg("m2", "b"), msg("m3", "c"), msg("m4", "d"))
    thread = merge_thread([{"id": "s1", "record": bounded, "chat": {"history": "bound"}},
                           {"id": "s2", "record": full, "chat": {"history": "start"}}])
    assert [(m["id"], m["first_seen"]) for m in thread["messages"]] == [
        ("m1", "s2"), ("m2", "s2"), ("m3", "s1"), ("m4", "s1")]


def test_a_notice_with_no_known_original_is_kept_as_it_is() -> None:
    notice = msg("n1", "对方撤回了一条消息", "system", withdrawn=True, withdrawn_by="seller")
    thread = merge_thread([{"id": "s1", "record": rec(msg("m1", "a"), notice), "chat": None}])
    assert [m["id"] for m in thread["messages"]] == ["m1", "n1"]
    assert thread["messages"][1]["withdrawn"] and thread["messages"][1]["notice_only"]


def test_non_chat_snapshots_are_left_out_with_a_warning() -> None:
    thread = merge_thread([{"id": "x" * 64, "record": {"kind": "listing"}}])
    assert thread["messages"] == [] and thread["snapshots"] == []
    assert "holds no chat record" in thread["warnings"][0]
