"""Privacy clues: identifiers kept only as salted hashes; `leaks` names page, snapshot, time."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from tests.conftest import assert_one_line_error, run_cli

pytestmark = pytest.mark.browser
PHONE = "+86 138-1234-5678"  # the demo order page writes it "138 1234 5678", the chat "138-1234-5678"


def _every_form(value: str) -> list[bytes]:
    forms = {value, value.replace(" ", "").replace("-", ""), "13812345678", value.lower()}
    out = []
    for f in forms:
        raw = f.encode("utf-8")
        out += [raw, raw.hex().encode(), base64.b64encode(raw), hashlib.sha256(raw).hexdigest().encode(),
                json.dumps(f).encode()]
    return out


def test_identities_file_holds_no_value_and_leaks_names_page_chat_and_snapshot(shop, tmp_path: Path) -> None:
    store = tmp_path / "store"
    before = run_cli("capture", f"{shop.url}/order/2391", "--kind", "page", "--json", store=store)
    assert before.code == 0, before.err
    old_id = before.json_lines()[0]["id"]

    added = run_cli("identity", "add", "-", "--label", "my mobile", "--json", store=store,
                    input=f"{PHONE}\n".encode())
    assert added.code == 0, added.err
    assert run_cli("identity", "add", "XiaoMing.Zhang@Example.com", "--label", "mail", store=store).code == 0
    assert run_cli("identity", "add", "-", "--kind", "name", "--label", "my name", store=store,
                   input="张 小明\n".encode()).code == 0
    assert run_cli("identity", "add", "-", "--kind", "address", "--label", "home", store=store,
                   input="文三路90号\n".encode()).code == 0
    assert run_cli("identity", "add", "-", "--label", "unseen", store=store,
                   input=b"13900000000\n").code == 0

    path = store / "identities.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stored = path.read_bytes()
    for value in (PHONE, "xiaoming.zhang@example.com", "XiaoMing.Zhang@Example.com", "张小明", "张 小明",
                  "文三路90号", "13900000000"):
        for form in _every_form(value):
            assert form not in stored, form
    listed = run_cli("identity", "list", "--json", store=store)
    assert listed.code == 0 and "1381234" not in listed.out and "example.com" not in listed.out.lower()
    assert {e["label"] for e in listed.json_lines()} == {"my mobile", "mail", "my name", "home", "unseen"}

    # the capture made before the identifiers were registered is found only by --rescan
    assert run_cli("leaks", "--json", store=store).out.strip() == ""
    rescan = run_cli("leaks", "--rescan", "--json", store=store)
    assert rescan.code == 0, rescan.err
    hits = rescan.json_lines()
    assert {h["label"] for h in hits} == {"my mobile", "mail", "my name", "home"}
    assert all(h["snapshot"] == old_id and h["final_url"] == f"{shop.url}/order/2391" for h in hits)
    assert all(h["captured_at"] and h["title"] == "订单详情 - 淘益购" for h in hits)
    # a second rescan adds nothing
    assert len(run_cli("leaks", "--rescan", "--json", store=store).json_lines()) == len(hits)

    # a new capture is scanned as it is committed: a seller's chat message shows the phone
    chat = run_cli("capture", f"{shop.url}/chat/s1", "--kind", "chat", "--json", store=store)
    assert chat.code == 0, chat.err
    chat_id = chat.json_lines()[0]["id"]
    assert "my mobile" in chat.err  # and says so
    hits = run_cli("leaks", "--json", store=store).json_lines()
    in_chat = [h for h in hits if h["snapshot"] == chat_id]
    assert [h["label"] for h in in_chat] == ["my mobile"]
    assert "chat" in in_chat[0]["where"] and in_chat[0]["shop"] == "某品牌官方旗舰店"
    assert [m["role"] for m in in_chat[0]["messages"]] == ["seller"]

    text = run_cli("leaks", store=store)
    assert text.code == 0
    assert f"{shop.url}/chat/s1" in text.out and chat_id[:12] in text.out and old_id[:12] in text.out
    log = (store / "leaks.jsonl").read_bytes()
    assert stat.S_IMODE(os.stat(store / "leaks.jsonl").st_mode) == 0o600
    for value in (PHONE, "xiaoming.zhang@example.com", "张小明", "文三路90号"):
        for form in _every_form(value):
            assert form not in log, form


def test_identity_errors_are_one_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert_one_line_error(run_cli("identity", "add", "12345", "--kind", "phone", store=store))
    assert_one_line_error(run_cli("identity", "add", "-", store=store, input=b"\n"))
    assert run_cli("identity", "add", "-", store=store, input=b"13812345678\n").code == 0
    assert_one_line_error(run_cli("identity", "add", "138 1234 5678", store=store))  # already there
    assert_one_line_error(run_cli("identity", "add", "-", "--label", "13812345678", "--kind", "other",
                                  store=store, input=b"138-1234-5678\n"))  # label = value
    assert_one_line_error(run_cli("leaks", store=tmp_path / "nowhere"))
