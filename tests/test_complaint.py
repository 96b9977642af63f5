"""Complaints built from what was found (issue 15): the pure builder over hand-made records,
then real captures of the demo shop (a copied listing on a look-alike host whose price and
promises change, a seller chat, an innocent listing) through ``report --complaint`` and
``make_complaint`` to PDF, read back with pdftotext."""
from __future__ import annotations

import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.demoshop import DemoShop
from storage.evidence.complaint import (
    FORM_FIELDS,
    YOURS_ZH,
    basis_for,
    build,
    complaint_html,
    form_text,
    legal_bases,
)
from storage.evidence.report import ReportInput
from tests.conftest import assert_one_line_error, run_cli

SID = "a" * 64
PREV = "b" * 64
ARTS = {"screenshot": {"sha256": "c" * 64, "size": 10, "media_type": "image/png"},
        "warc": {"sha256": "d" * 64, "size": 20, "media_type": "application/warc+gzip"}}


def _input(record: dict[str, Any], url: str = "https://item.taobao.com/item.htm?id=1") -> ReportInput:
    manifest = {"target": {"url": url, "kind": "listing"}, "captured_at": "2026-12-01T04:00:00.000Z",
                "artifacts": ARTS}
    return ReportInput(SID, manifest, record, None, [], b"sig", None, None)


def _ids(facts: Any) -> list[list[str]]:
    return [[b.id for b in f.basis] for f in facts]


LISTING = {
    "title": "某品牌 蓝牙耳机", "price": {"amount": "199.00", "currency": "CNY"},
    "seller": {"name": "某品牌官方旗舰店"},
    "claims": [{"text": "全网最低价", "flags": ["absolute:全网最低"]},
               {"text": "美白祛斑 28天见效", "flags": ["efficacy:美白", "efficacy:祛斑"]},
               {"text": "做工精良", "flags": []}],
    "promises": [{"code": "return_no_reason", "text": "7天无理由退货", "params": {"days": 7}, "source": "page"},
                 {"code": "counterfeit_compensation", "text": "假一赔十", "params": {"multiple": 10},
                  "source": "page"},
                 {"code": "price_protection", "text": "价保30天", "params": {"days": 30}, "source": "page"},
                 {"code": "return_no_reason", "text": "7天无理由退货", "params": {"days": 7}, "source": "page"},
                 {"code": "ship_within", "text": "48小时发货", "params": {"hours": 48}, "source": "chat",
                  "message_id": "m2"}],
    "messages": [{"id": "m1", "sender": "我", "role": "buyer", "sent_at": "2026-11-30T10:00:00+08:00",
                  "text": "什么时候发货？"},
                 {"id": "m2", "sender": "客服小美", "role": "seller", "sent_at": "2026-11-30T10:01:00+08:00",
                  "text": "亲，付款后48小时发货哦"}],
    "anomalies": [{"code": "preselected_addon", "severity": "warning",
                   "text": {"zh": "结算页默认勾选了「碎屏险 9.90」", "en": "\"碎屏险 9.90\" is ticked by default"},
                   "evidence": {"where": "checkout", "label": "碎屏险"}},
                  {"code": "offplatform_payment", "severity": "danger",
                   "text": {"zh": "卖家要求转账到个人账户", "en": "the seller asks for a transfer"},
                   "evidence": {"where": "chat", "message_id": "m2", "text": "亲，付款后48小时发货哦"}}],
}
CHANGE = {"old": {"id": PREV, "captured_at": "2026-11-20T04:00:00.000Z"},
          "new": {"id": SID, "captured_at": "2026-12-01T04:00:00.000Z"},
          "fields": [{"field": "price", "old": "249.00 CNY", "new": "199.00 CNY"}],
          "promises": {"added": [], "removed": [{"code": "warranty", "text": "联保一年", "params": {}}],
                       "reworded": []},
          "claims": {"added": [], "removed": [], "reworded": []}, "listing_changed": True}


def test_each_problem_is_a_fact_with_its_legal_basis() -> None:
    c = build(_input(LISTING), CHANGE, bundle="x.wacz")
    kinds = [f.kind for f in c.facts]
    # danger first; one fact per flagged claim (not the unflagged one); page promises once
    # each; the chat promise by its message; the change; the consumer's own fact last
    assert kinds == ["anomaly", "anomaly", "claim", "claim", "promise", "promise", "promise",
                     "promise", "change", "yours"]
    assert c.found == 9 and c.facts[-1].zh == YOURS_ZH
    assert "offplatform_payment" in c.facts[0].zh and "preselected_addon" in c.facts[1].zh
    assert _ids(c.facts) == [[], ["ecl_19"], ["ad_9"], ["ad_28"], ["cpl_25", "cpl_16"], ["cpl_16"],
                             ["cpl_16"], ["cpl_16"], ["cpl_16"], []]
    assert "「全网最低价」" in c.facts[2].zh and "全网最低" in c.facts[2].en
    assert "含功效宣称「美白」「祛斑」" in c.facts[3].zh
    # a promise is what was promised, quoted with where and when; never "not kept"
    assert "承诺「7天无理由退货」" in c.facts[4].zh and "2026-12-01 12:00:00（北京时间）" in c.facts[4].zh
    assert "promised \"7天无理由退货\"" in c.facts[4].en
    assert not any("未兑现" in f.zh or "not kept" in f.en for f in c.facts)
    chat = c.facts[7]
    assert "「亲，付款后48小时发货哦」" in chat.zh and "m2" in chat.zh and "客服小美" in chat.zh
    assert "2026-11-30 10:01:00（北京时间）" in chat.zh and "2026-11-30 02:01:00 UTC" in chat.en
    assert ("message", "m2") in {(r.kind, r.id) for r in chat.refs}
    change = c.facts[8]
    assert "249.00 CNY → 199.00 CNY" in change.zh and "删除承诺「联保一年」" in change.zh
    assert PREV[:12] in change.zh and {r.id for r in change.refs} == {PREV, SID}
    # the anomaly's chat message is a reference too
    assert ("message", "m2") in {(r.kind, r.id) for r in c.facts[0].refs}


def test_requests_offer_what_fits_with_amounts() -> None:
    c = build(_input(LISTING), CHANGE)
    by_key = {r.key: r for r in c.requests}
    assert list(by_key) == ["return_refund", "price_difference", "per_promise", "fraud", "food",
                            "ad_enforcement", "other"]
    assert "10 × 199.00 = 1990.00 元" in by_key["per_promise"].zh and "假一赔十" in by_key["per_promise"].zh
    assert "3 × 199.00 = 597.00 元" in by_key["fraud"].zh
    assert [b.id for b in by_key["fraud"].basis] == ["cpl_55"]
    assert [b.id for b in by_key["food"].basis] == ["fsl_148"]
    assert "价保30天" in by_key["price_difference"].zh
    cheap = build(_input({**LISTING, "price": {"amount": "59.00", "currency": "CNY"}}))
    fraud = next(r for r in cheap.requests if r.key == "fraud")
    assert "3 × 59.00 = 177.00 元，不足 500 元的按 500 元" in fraud.zh
    # a price that went up is no price difference to ask for; a promise removed still counts
    up = {**CHANGE, "fields": [{"field": "price", "old": "199.00 CNY", "new": "249.00 CNY"}],
          "promises": {"added": [], "removed": [LISTING["promises"][1]], "reworded": []}}
    bare = {**LISTING, "promises": [], "claims": []}
    keys = [r.key for r in build(_input(bare), up).requests]
    assert "price_difference" not in keys and "per_promise" in keys and "ad_enforcement" not in keys


def test_where_to_file_and_the_evidence_list() -> None:
    c = build(_input(LISTING), CHANGE, bundle="complaint-aaaa.wacz")
    assert [ch.name for ch in c.channels] == ["淘宝 / 天猫", "全国12315平台", "公安机关"]
    assert "12315.cn" in c.channels[1].where and "110" in c.channels[2].where
    values = [v for _zh, _en, v in c.evidence]
    assert SID in values and "c" * 64 in values and "d" * 64 in values
    assert any(v.startswith(PREV) for v in values)
    assert any(v.startswith("m2 · 2026-11-30T10:01:00+08:00") for v in values)
    assert any("complaint-aaaa.wacz" in v for v in values)
    unnamed = build(_input(LISTING, "https://shop.example/p/1"))
    assert unnamed.channels[0].name == "购物平台" and len(unnamed.channels) == 3
    assert any(v.startswith(f"jianyipai export {SID[:12]} -o") for _z, _e, v in unnamed.evidence)
    # a look-alike of jd.com is not JD
    assert build(_input({}, "http://jd.com.pay-secure.top/item/1")).channels[0].name == "购物平台"


def test_innocent_record_gets_no_invented_problem() -> None:
    c = build(_input({"title": "店内搜索", "claims": [], "promises": [], "anomalies": []}))
    assert c.found == 0 and [f.kind for f in c.facts] == ["yours"]
    assert [r.key for r in c.requests] == ["return_refund", "fraud", "food", "other"]
    assert len(c.channels) == 2
    html = complaint_html(c, lambda s: str(s))
    assert YOURS_ZH in html and "异常线索" not in html and "广告宣传" not in html
    described = form_text(c).split("（事实与理由）")[1].split("【诉求")[0]
    assert described.split() == ["·", "Description", "(facts", "and", "reasons)】", "1.", YOURS_ZH]


def test_broken_records_do_not_break_the_builder() -> None:
    odd = {"claims": ["x", {"flags": None}, {"text": None, "flags": ["weird"]}], "promises": [None, 3, {}, {"code": "counterfeit_compensation", "params": [10]}],
           "anomalies": [{"code": None, "evidence": [1, 2]}, "x"], "price": {"amount": "abc"},
           "messages": "nope", "seller": "x", "counterpart": ["y"]}
    c = build(_input(odd))
    assert c.facts[-1].kind == "yours"
    assert form_text(c) and complaint_html(c, lambda s: str(s))


def test_form_text_has_every_12315_field_and_masks_page_text_only() -> None:
    record = {**LISTING, "claims": [{"text": "客服电话 13812345678 全网最低", "flags": ["absolute:全网最低"]}]}
    c = build(_input(record), CHANGE)
    text = form_text(c, mask=lambda s: s.replace("13812345678", "138****5678"))
    for zh, en in FORM_FIELDS:
        assert f"【{zh} · {en}】" in text
    assert "138****5678" in text and "13812345678" not in text
    assert SID in text and "☐ 退货退款" in text and "法律依据（供参考）" in text
    assert "《广告法》第九条第（三）项：" in text


def test_legal_basis_file_is_complete() -> None:
    bases = legal_bases()
    assert set(bases) == {"cpl_16", "cpl_25", "cpl_55", "ad_9", "ad_28", "ecl_19", "fsl_148", "price_14"}
    for b in bases.values():
        assert all((b.law, b.law_en, b.article, b.article_en, b.says, b.says_en, b.source)), b
        assert "flk.npc.gov.cn" in b.source
    assert [b.id for b in basis_for("promise.some_new_code")] == ["cpl_16"]
    assert basis_for("anomaly.lookalike_domain") == ()  # no article we are sure of


# -- real captures --------------------------------------------------------------------

LOOKALIKE = "jd.com.pay-secure.top"


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoShop]:
    with DemoShop(host="127.0.0.1", port=0) as s:
        yield s


@pytest.fixture(scope="module")
def captured(demo: DemoShop, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A copy of listing 1001 on a look-alike host captured before and after its price and
    promises change; an innocent listing; a seller chat that steers payment off the platform."""
    folder = tmp_path_factory.mktemp("complaint")
    rules = f"MAP {LOOKALIKE} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    config = folder / "config.toml"
    config.write_text(f'[browser]\nextra_args = ["--host-resolver-rules={rules}"]\n', "utf-8")
    store = folder / "store"
    copy = f"http://{LOOKALIKE}:{demo.port}/item/1001"
    plain = f"http://127.0.0.1:{demo.port}/anomaly/"
    lines: dict[str, list[dict[str, Any]]] = {}
    for step, version, urls, kind in (("first", 1, [copy, plain + "item"], "listing"),
                                      ("second", 2, [copy], "listing"),
                                      ("chat", 2, [plain + "chat/steer"], "chat")):
        demo.set_version("1001", version)
        result = run_cli("capture", *urls, "--kind", kind, "--json", "--config", str(config),
                         store=store, timeout=600)
        assert result.code == 0, result.err
        lines[step] = result.json_lines()
    return {"store": store, "config": str(config), "copy": copy, "old": lines["first"][0],
            "innocent": lines["first"][1], "new": lines["second"][0], "chat": lines["chat"][0]}


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.browser
def test_report_complaint_pdf_names_claim_promise_anomaly_basis_and_evidence(captured, tmp_path) -> None:
    new, old = captured["new"], captured["old"]
    assert new["record"]["price"]["amount"] == "249.00" and old["record"]["price"]["amount"] == "199.00"
    pdf = tmp_path / "complaint.pdf"
    result = run_cli("report", captured["copy"], "-o", str(pdf), "--complaint", store=captured["store"])
    assert result.code == 0, result.err
    text = _pdf_text(pdf)
    flat = re.sub(r"\s+", "", text)
    assert flat.startswith("投诉材料·Complaint")  # the complaint first, the report as its annex
    assert "附件：电子证据报告·Annex:Evidencereport" in flat
    assert "「全网最低价，错过今天再等一年！」，含绝对化用语「全网最低」" in flat  # the claim
    assert "卖家在商品页面上承诺「7天无理由退货」" in flat  # the promise
    assert "lookalike_domain" in flat and LOOKALIKE in flat  # the anomaly
    assert "价格199.00CNY→249.00CNY" in flat and "删除承诺「假一赔十」" in flat  # the change
    for cite in ("《广告法》第九条第（三）项", "《消费者权益保护法》第二十五条", "《消费者权益保护法》第十六条",
                 "《消费者权益保护法》第五十五条", "《食品安全法》第一百四十八条第二款"):
        assert cite in flat, cite
    assert "不构成法律意见" in flat and "notlegaladvice" in flat
    assert new["id"] in flat and old["id"] in flat
    for art in new["artifacts"].values():
        assert art["sha256"] in flat
    assert "公安机关" in flat and "全国12315平台" in flat and "www.12315.cn" in flat
    assert "☐" in text and "10×249.00=2490.00元" in flat  # 假一赔十, from the earlier capture
    # the 12315 text beside it: BOM, CRLF, every field
    raw = (tmp_path / "complaint.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    form = raw.decode("utf-8-sig")
    for zh, _en in FORM_FIELDS:
        assert f"【{zh}" in form
    assert "某品牌官方旗舰店" in form and "全网最低价" in form and new["id"] in form
    # the bundle beside it holds both captures the complaint compares
    with zipfile.ZipFile(tmp_path / "complaint.wacz") as bundle:
        names = "\n".join(bundle.namelist())
    assert new["id"] in names and old["id"] in names
    assert "complaint.wacz" in flat


@pytest.mark.browser
def test_make_complaint_quotes_the_seller_message_with_its_id(captured, tmp_path) -> None:
    from agent.complaint import make_complaint
    from agent.settings import load

    chat = captured["chat"]
    out = make_complaint(load(Path(captured["config"])), captured["store"], chat["id"][:12], tmp_path / "out")
    assert out["pdf"] == str(tmp_path / "out" / f"complaint-{chat['id'][:12]}.pdf")
    assert out["txt"].endswith(".txt") and out["warnings"] == []
    steer = [a for a in chat["record"]["anomalies"] if a["code"] == "offplatform_payment"]
    assert out["facts"] >= len(steer) >= 3
    flat = re.sub(r"\s+", "", _pdf_text(Path(out["pdf"])))
    for anomaly in steer:
        assert anomaly["evidence"]["message_id"] in flat
    assert re.sub(r"\s+", "", "直接转账到我的银行卡就行") in flat
    assert "公安机关" in flat and "110" in flat
    assert Path(out["wacz"]).exists()
    form = Path(out["txt"]).read_text("utf-8-sig")
    assert "【诉求" in form and steer[0]["evidence"]["message_id"] in form


@pytest.mark.browser
def test_innocent_listing_complaint_invents_no_problem(captured, tmp_path) -> None:
    innocent = captured["innocent"]
    assert innocent["record"]["anomalies"] == [] and not any(
        c.get("flags") for c in innocent["record"]["claims"])
    html = tmp_path / "c.html"
    result = run_cli("report", innocent["id"][:12], "-o", str(html), "--complaint", store=captured["store"])
    assert result.code == 0, result.err
    promises = list(dict.fromkeys(p["text"] for p in innocent["record"]["promises"]))
    assert f"complaint ({len(promises)} facts found)" in result.out
    page = html.read_text("utf-8")
    assert YOURS_ZH in page and "异常线索" not in page and "广告宣传" not in page
    assert "价格" not in page.split("二、事实")[1].split("三、法律依据")[0]  # no change invented


@pytest.mark.browser
def test_report_complaint_refuses_to_overwrite_what_it_writes_beside(captured, tmp_path) -> None:
    (tmp_path / "c.txt").write_text("mine", "utf-8")
    result = run_cli("report", captured["innocent"]["id"][:12], "-o", str(tmp_path / "c.pdf"),
                     "--complaint", store=captured["store"])
    assert_one_line_error(result)
    assert not (tmp_path / "c.pdf").exists() and (tmp_path / "c.txt").read_text("utf-8") == "mine"
