"""Checkout pages (issue 14): the extractor on varied markup, the live checked state, and
``checkout_price_mismatch`` / ``preselected_addon`` against listings captured in a store."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.batch import capture_one
from agent.demoshop import checkout_pages
from agent.pipeline import Capturer
from agent.settings import load
from extractors import ExtractError, extract_checkout
from storage import Store, checkout_match
from storage.checkout_match import normal_title, title_score, url_keys
from tests.conftest import run_async, run_cli

URL = "https://buy.example.cn/order/confirm"


def codes(record: dict[str, Any]) -> list[str]:
    return sorted(a["code"] for a in record["anomalies"])


def addon(record: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = [a for a in record["addons"] if a["kind"] == kind]
    return found


def amounts(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["label"], e["amount"]["amount"]) for e in entries]


# --- the extractor, pure -------------------------------------------------------------------

def test_taobao_table_checkout_read_from_attributes() -> None:
    record = extract_checkout(checkout_pages.surprise(), URL)
    (item,) = record["items"]
    assert item["title"].endswith("无线降噪蓝牙耳机 Pro 2代")
    assert item["url"].startswith("https://buy.example.cn/item/1001?spm=")
    assert item["unit_price"] == {"amount": "229.00", "currency": "CNY"}
    assert item["quantity"] == 1 and item["sources"]["unit_price"] == "column"
    assert amounts(record["fees"]) == [("运费", "0.00"), ("服务费", "10.00")]
    assert [f["kind"] for f in record["fees"]] == ["shipping", "service"]
    assert record["total"] == {"amount": "271.00", "currency": "CNY"}  # not 店铺合计
    # the saved page alone: only the box ticked by its attribute, and a warning saying so
    assert addon(record, "screen_insurance")["checked"] is True
    assert addon(record, "shipping_insurance")["checked"] is False
    assert [a["evidence"]["kind"] for a in record["anomalies"]] == ["screen_insurance"]
    assert any("attributes" in w for w in record["warnings"])


def test_live_states_win_over_attributes() -> None:
    html = checkout_pages.surprise()
    live = [{"n": 0, "type": "checkbox", "id": "freight-ins", "name": "freight_ins", "checked": True},
            {"n": 1, "type": "checkbox", "id": "screen-ins", "name": "screen_ins", "checked": True}]
    record = extract_checkout(html, URL, checks=live)
    freight = addon(record, "shipping_insurance")
    assert freight["checked"] is True and freight["checked_by"] == "live"
    assert freight["states"] == {"live": True, "attribute": False}
    found = {a["evidence"]["kind"]: a for a in record["anomalies"]}
    assert set(found) == {"shipping_insurance", "screen_insurance"}
    assert "脚本" in found["shipping_insurance"]["text"]["zh"]
    assert "script" in found["shipping_insurance"]["text"]["en"]
    assert "脚本" not in found["screen_insurance"]["text"]["zh"]
    assert found["screen_insurance"]["evidence"]["price"] == {"amount": "29.00", "currency": "CNY"}
    assert not any("attributes" in w for w in record["warnings"])

    # the buyer (or the shop's script) unticked a box whose attribute still says checked
    fair = checkout_pages.fair()
    unticked = [{"n": 0, "id": "svc-freight", "name": "freight_insurance", "checked": False},
                {"n": 1, "id": "svc-warranty", "name": "warranty", "checked": False}]
    record = extract_checkout(fair, URL, checks=unticked)
    warranty = addon(record, "extended_warranty")
    assert warranty["checked"] is False and warranty["states"] == {"live": False, "attribute": True}
    assert record["anomalies"] == []
    # ...and offline, where only the attribute is known, it is a candidate
    assert codes(extract_checkout(fair, URL)) == ["preselected_addon"]


def test_live_states_that_do_not_fit_the_page_fall_back_to_attributes() -> None:
    wrong = [{"n": 0, "id": "other", "name": "x", "checked": True}]
    record = extract_checkout(checkout_pages.surprise(), URL, checks=wrong)
    assert addon(record, "shipping_insurance")["checked_by"] == "attribute"
    assert any("matched" in w for w in record["warnings"])


def test_english_one_page_checkout_with_a_switch() -> None:
    record = extract_checkout(checkout_pages.english(), "https://shop.example.com/checkouts/c1")
    (item,) = record["items"]
    assert item["title"] == "Ceramic Pour-Over Coffee Set" and item["url"] is None
    assert item["sku"] == "CK-2040"
    assert item["unit_price"] == {"amount": "39.99", "currency": "USD"}
    assert record["subtotal"]["amount"] == "39.99" and record["total"]["amount"] == "50.74"
    assert [(f["kind"], f["amount"]["amount"]) for f in record["fees"]] == [
        ("shipping", "0.00"), ("insurance", "6.99"), ("tax", "3.76")]
    warranty = addon(record, "extended_warranty")
    assert warranty["checked"] is True and warranty["checked_by"] == "aria"
    assert warranty["price"] == {"amount": "6.99", "currency": "USD"}
    assert codes(record) == ["preselected_addon"]


AMAZON = """<html lang="en-us"><body><h1>Review your order</h1>
<div id="subtotals"><div class="a-row"><span>Items:</span><span>$25.98</span></div>
<div class="a-row"><span>Shipping &amp; handling:</span><span>$5.99</span></div>
<div class="a-row"><span>Total before tax:</span><span>$31.97</span></div>
<div class="a-row"><span>Estimated tax to be collected:</span><span>$2.56</span></div>
<div class="a-row grand"><span>Order total:</span><span>$34.53</span></div></div>
<div class="shipment"><div class="item-row">
  <a href="/Some-Mug/dp/B0ABCDEF12/ref=ox_sc">Stoneware Mug, 12 oz, Set of 2</a>
  <div class="a-color-price">$12.99</div><span>Qty: 2</span>
  <span>Sold by: Mug House</span></div></div>
<div class="prime-upsell"><label><input type="checkbox" name="primeTrial">
  Try Prime free for 30 days, then $14.99/month</label></div></body></html>"""

SHOPIFY_LINE = """<html lang="en"><body><table class="product-table"><tr class="product">
<td><span class="product__description__name">Linen Napkins</span></td>
<td><span class="product-thumbnail__quantity">2</span></td>
<td class="product__price"><span>$50.00</span></td></tr></table>
<table class="total-line-table"><tr><th>Subtotal</th><td>$50.00</td></tr>
<tr><th>Shipping</th><td>Calculated at next step</td></tr>
<tr><th>Total</th><td>USD $50.00</td></tr></table></body></html>"""

PDD = """<html lang="zh-CN"><body><div class="order-goods">
<div class="goods-item"><a href="/goods.html?goods_id=3456789012&amp;refer_page_name=index">
<span class="goods-name">家用抽纸 3层 100抽 24包 整箱</span></a>
<span class="goods-price">¥19.90</span><span class="goods-num">x1</span></div></div>
<div class="order-price"><p>商品金额 ¥19.90</p><p>运费 包邮</p><p>平台优惠 -¥3.00</p>
<p>实付 ¥16.90</p></div>
<div class="addon-row"><span class="pdd-check pdd-check--checked"></span>
<span>退货包运费 ¥0.60</span></div></body></html>"""


def test_amazon_review_your_order() -> None:
    record = extract_checkout(AMAZON, "https://www.amazon.com/gp/buy/spc/handlers/display.html")
    (item,) = record["items"]
    assert item["sku"] == "B0ABCDEF12" and item["quantity"] == 2
    assert item["unit_price"]["amount"] == "12.99" and item["line_total"]["amount"] == "25.98"
    assert record["subtotal"]["amount"] == "25.98" and record["total"]["amount"] == "34.53"
    assert [(f["kind"], f["label"], f["amount"]["amount"]) for f in record["fees"]] == [
        ("shipping", "Shipping & handling", "5.99"),
        ("tax", "Estimated tax to be collected", "2.56")]
    trial = addon(record, "other")
    assert trial["checked"] is False and trial["price"]["amount"] == "14.99"
    assert record["anomalies"] == []  # the trial is offered, not ticked


def test_one_price_for_several_pieces_is_read_against_the_subtotal() -> None:
    (item,) = extract_checkout(SHOPIFY_LINE, "https://shop.example.com/checkouts/x")["items"]
    assert item["quantity"] == 2
    assert item["line_total"]["amount"] == "50.00" and item["unit_price"]["amount"] == "25.00"


def test_pinduoduo_style_class_checked_addon_and_discount() -> None:
    record = extract_checkout(PDD, "https://mobile.yangkeduo.com/order_checkout.html")
    (item,) = record["items"]
    assert item["sku"] == "3456789012" and item["unit_price"]["amount"] == "19.90"
    assert amounts(record["discounts"]) == [("平台优惠", "3.00")]
    assert record["total"]["amount"] == "16.90"
    ins = addon(record, "shipping_insurance")
    assert ins["checked"] is True and ins["checked_by"] == "class"
    assert codes(record) == ["preselected_addon"]
    # the innocent twin: the same add-on offered unticked
    twin = extract_checkout(PDD.replace(" pdd-check--checked", ""), "https://mobile.yangkeduo.com/x")
    assert addon(twin, "shipping_insurance")["checked"] is False and twin["anomalies"] == []


def _page(addons: str) -> str:
    return f"""<html lang="zh-CN"><body><div class="goods-item">
<div class="p-name"><a href="//item.jd.com/100012043978.html">某品牌 手机 12GB+256GB 曜石黑</a></div>
<div class="p-price">¥3999.00</div><div class="p-num">×1</div></div>
<div class="service-list">{addons}</div><div class="sum">应付总额：¥3999.00</div></body></html>"""


@pytest.mark.parametrize("markup,kind,ticked,by", [
    ('<div class="service-item"><i class="jd-checkbox checked"></i><span>碎屏保 1年 ¥49.00</span></div>',
     "screen_insurance", True, "class"),
    ('<div class="service-item"><i class="jd-checkbox"></i><span>碎屏保 1年 ¥49.00</span></div>',
     "screen_insurance", False, None),
    ('<div class="svc"><span>延长保修2年 ¥199.00</span>'
     '<span role="switch" aria-checked="true" class="sw"></span></div>', "extended_warranty", True, "aria"),
    ('<div class="svc"><span>延长保修2年 ¥199.00</span>'
     '<span role="switch" aria-checked="false" class="sw is-on"></span></div>',
     "extended_warranty", False, "aria"),
    ('<button class="opt" aria-pressed="true">Add 2-year protection plan for $29.99</button>',
     "extended_warranty", True, "aria"),
    ('<label class="ant-checkbox-wrapper ant-checkbox-wrapper-checked"><span class="ant-checkbox">'
     '<input type="checkbox" class="ant-checkbox-input"></span><span>保价服务 ¥5.00</span></label>',
     "other", True, "class"),
    ('<div class="freight">运费险：<label><input type="radio" name="fi" checked> 购买 ¥2.00</label>'
     '<label><input type="radio" name="fi"> 不需要</label></div>', "shipping_insurance", True, "attribute"),
    ('<div class="freight">运费险：<label><input type="radio" name="fi"> 购买 ¥2.00</label>'
     '<label><input type="radio" name="fi" checked> 不需要</label></div>',
     "shipping_insurance", False, "attribute"),
])
def test_addon_toggles(markup: str, kind: str, ticked: bool, by: str | None) -> None:
    record = extract_checkout(_page(markup), "https://trade.jd.com/shopping/order/getOrderInfo.action")
    (item,) = record["items"]
    assert item["sku"] == "100012043978" and item["unit_price"]["amount"] == "3999.00"
    found = addon(record, kind)
    assert found["checked"] is ticked and found["checked_by"] == by
    assert codes(record) == (["preselected_addon"] if ticked else [])


@pytest.mark.parametrize("markup", [
    '<label><input type="checkbox" checked> 我已阅读并同意《会员服务协议》</label>',  # consent
    '<label><input type="checkbox" checked> 运费险 卖家赠送 ¥0.00</label>',  # free
    '<label><input type="checkbox" checked> 匿名购买</label>',  # no add-on
])
def test_ticked_boxes_that_are_no_paid_addon(markup: str) -> None:
    record = extract_checkout(_page(markup), URL)
    assert record["anomalies"] == []
    assert all(not a["price"] or a["price"]["amount"] == "0.00" for a in record["addons"])


@pytest.mark.parametrize("page_input", [
    "<html><body><p>订单</p></body></html>", "<div>合计 ¥</div><input type=checkbox checked>",
    "<a href='/item/1'>x</a>" * 500, "<<<>>>" + "¥9" * 1000,
])
def test_odd_pages_give_a_record(page_input: str) -> None:
    for checks in (None, [], [None, 3, {"n": 0, "checked": "yes"}], [{"n": 0, "checked": True}]):
        record = extract_checkout(page_input, URL, checks=checks)  # type: ignore[arg-type]
        assert record["schema"] == "jianyipai.checkout/1" and isinstance(record["items"], list)
        assert not any("failed" in w for w in record["warnings"]), record["warnings"]


def test_not_a_page_raises_extract_error() -> None:
    with pytest.raises(ExtractError):
        extract_checkout(b"", URL)


def test_extract_checkout_offline(tmp_path: Path) -> None:
    saved = tmp_path / "confirm.html"
    saved.write_text(checkout_pages.surprise(), "utf-8")
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = run_cli("extract", str(saved), str(empty), "--kind", "checkout", "--json",
                     "--url", "https://buy.example.cn/confirm")
    assert result.code == 1 and result.err.count("\n") == 1 and "empty.html" in result.err
    record, failed = result.json_lines()
    assert record["kind"] == "checkout" and record["total"]["amount"] == "271.00"
    assert [a["evidence"]["kind"] for a in record["anomalies"]] == ["screen_insurance"]
    assert record["anomalies_note"] and "error" in failed


# --- matching an item with its listing, pure -----------------------------------------------

def test_item_addresses_match_without_tracking_parameters() -> None:
    assert url_keys("https://item.jd.com/100012043978.html?bbtf=1") & url_keys(
        "https://item.m.jd.com/product/100012043978.html")
    assert url_keys("https://item.taobao.com/item.htm?id=6789012345&spm=a1z10") & url_keys(
        "https://detail.tmall.com/item.htm?id=6789012345&ali_trackid=2")
    assert url_keys("http://127.0.0.1:8000/item/1001?spm=a21n57&utm_source=x") & url_keys(
        "http://127.0.0.1:8000/item/1001")
    assert not url_keys("https://item.taobao.com/item.htm?id=1234567") & url_keys(
        "https://item.taobao.com/item.htm?id=7654321")
    assert not url_keys("https://a.example/item/1001") & url_keys("https://a.example/item/1002")


def test_titles_match_as_wholes() -> None:
    long_title = normal_title("【官方旗舰店】某品牌 无线降噪蓝牙耳机 Pro 2代")
    assert title_score(long_title, normal_title("【官方旗舰店】某品牌 无线降噪蓝牙耳机 Pro 2代 ")) == 1.0
    assert title_score(long_title, normal_title("【官方旗舰店】某品牌 无线降噪蓝牙耳机 Pro…")) == 1.0
    assert title_score(long_title, normal_title("蓝牙耳机")) == 0.0  # a short word inside
    assert title_score(long_title, normal_title("某品牌 有线入耳式耳机 经典款 3代")) < 0.85


# --- real Chromium: the CLI against the demo shop ------------------------------------------

@pytest.fixture(scope="module")
def captured(shop: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Listings 1001 and 1002 captured, then the three checkouts, in one store."""
    store = tmp_path_factory.mktemp("checkout") / "store"
    listings = run_cli("capture", f"{shop.url}/item/1001", f"{shop.url}/item/1002", "--json",
                       store=store)
    assert listings.code == 0, listings.err
    result = run_cli("capture", f"{shop.url}/checkout/fair", f"{shop.url}/checkout/surprise",
                     f"{shop.url}/en/checkout", "--kind", "checkout", "--json", store=store)
    assert result.code == 0, result.err
    fair, surprise, english = result.json_lines()
    return {"store": store, "listings": listings.json_lines(), "fair": fair,
            "surprise": surprise, "english": english}


@pytest.mark.browser
def test_a_checkout_at_the_listed_price_with_nothing_ticked(captured: dict[str, Any]) -> None:
    snap = captured["fair"]
    assert snap["target"]["kind"] == "checkout"
    record = snap["record"]
    assert record["items"][0]["unit_price"] == {"amount": "199.00", "currency": "CNY"}
    assert record["anomalies"] == [], record["anomalies"]
    # the warranty box still has its checked attribute; the page shows it unticked
    warranty = addon(record, "extended_warranty")
    assert warranty["checked"] is False and warranty["checked_by"] == "live"
    assert warranty["states"] == {"live": False, "attribute": True}
    with Store(captured["store"], create=False) as store:
        saved = store.artifact(snap["id"], "html").decode("utf-8")
    assert 'id="svc-warranty" name="warranty" checked' in saved


@pytest.mark.browser
def test_a_dearer_checkout_with_a_fee_and_ticked_addons(captured: dict[str, Any]) -> None:
    snap, listing = captured["surprise"], captured["listings"][0]
    record = snap["record"]
    (mismatch,) = [a for a in record["anomalies"] if a["code"] == "checkout_price_mismatch"]
    ev = mismatch["evidence"]
    assert ev["listing"]["snapshot_id"] == listing["id"]
    assert ev["listing"]["captured_at"] == listing["captured_at"]
    assert ev["listing"]["matched_by"] == "url"  # the link carries spm/scm tracking
    assert ev["checkout_unit_price"]["amount"] == "229.00"
    assert ev["listing_price"] == {"amount": "199.00", "currency": "CNY"}
    assert ev["difference"] == "30.00"
    assert [(f["label"], f["why"]) for f in ev["fees"]] == [("服务费", "not_on_listing")]
    assert "服务费" in mismatch["text"]["zh"] and "229.00" in mismatch["text"]["en"]
    preselected = {a["evidence"]["kind"]: a["evidence"] for a in record["anomalies"]
                   if a["code"] == "preselected_addon"}
    assert set(preselected) == {"shipping_insurance", "screen_insurance"}
    # ticked by a script after load: the saved HTML shows the box unticked
    assert preselected["shipping_insurance"]["states"] == {"live": True, "attribute": False}
    assert preselected["screen_insurance"]["states"] == {"live": True, "attribute": True}


@pytest.mark.browser
def test_an_english_checkout_with_a_preticked_warranty(captured: dict[str, Any]) -> None:
    record = captured["english"]["record"]
    assert codes(record) == ["preselected_addon"]  # at the listed price: no mismatch
    assert record["anomalies"][0]["evidence"]["checked_by"] == "aria"


@pytest.mark.browser
def test_items_match_listings_by_sku_and_by_title(captured: dict[str, Any]) -> None:
    """The English checkout links no item: it is found by its SKU, else its title."""
    record = captured["english"]["record"]
    dearer = {**record, "items": [{**record["items"][0],
                                   "unit_price": {"amount": "45.00", "currency": "USD"}}]}
    by_title = {**dearer, "items": [{**dearer["items"][0], "sku": None}]}
    short = {**dearer, "items": [{**dearer["items"][0], "sku": None, "title": "Set"}]}
    manifest = {"target": {"kind": "checkout"}, "final_url": record["url"]}
    with Store(captured["store"], create=False) as store:
        (found,) = checkout_match.anomalies(store, manifest, dearer)
        assert found["evidence"]["listing"]["matched_by"] == "sku"
        assert found["evidence"]["listing"]["snapshot_id"] == captured["listings"][1]["id"]
        (found,) = checkout_match.anomalies(store, manifest, by_title)
        assert found["evidence"]["listing"]["matched_by"] == "title"
        assert checkout_match.anomalies(store, manifest, short) == []
        assert checkout_match.anomalies(store, manifest, record) == []
        for unit in ({"amount": "40.00", "currency": "USD"},  # a cent of rounding
                     {"amount": "45.00", "currency": "EUR"}):  # another currency
            other = {**record, "items": [{**record["items"][0], "unit_price": unit}]}
            assert checkout_match.anomalies(store, manifest, other) == [], unit


@pytest.mark.browser
def test_shipping_charged_where_the_listing_promised_it_free(captured: dict[str, Any]) -> None:
    """Listing 1002 promises free shipping on orders over $25."""
    record = captured["english"]["record"]
    shipping = {"label": "Shipping", "amount": {"amount": "5.00", "currency": "USD"},
                "kind": "shipping"}
    charged = {**record, "fees": [*record["fees"], shipping]}
    manifest = {"target": {"kind": "checkout"}, "final_url": record["url"]}
    with Store(captured["store"], create=False) as store:
        (found,) = checkout_match.anomalies(store, manifest, charged)
        assert [(f["label"], f["why"]) for f in found["evidence"]["fees"]] == [
            ("Shipping", "listing_promised_free_shipping")]
        assert "checkout_unit_price" not in found["evidence"]  # the price itself matched
        small = {**charged, "items": [{**record["items"][0],
                                       "line_total": {"amount": "20.00", "currency": "USD"}}]}
        assert checkout_match.anomalies(store, manifest, small) == []  # under the threshold


@pytest.mark.browser
def test_no_listing_in_the_store_no_mismatch(shop: Any, store_dir: Path) -> None:
    result = run_cli("capture", f"{shop.url}/checkout/surprise", "--kind", "checkout", "--json",
                     store=store_dir)
    assert result.code == 0, result.err
    (snap,) = result.json_lines()
    assert codes(snap["record"]) == ["preselected_addon", "preselected_addon"]


@pytest.mark.browser
def test_a_failed_live_read_falls_back_to_attributes(shop: Any, tmp_path: Path) -> None:
    cfg = tmp_path / "fast.toml"
    cfg.write_text("[capture]\nsettle = 2.0\nquiet_ms = 300\n", "utf-8")
    settings = load(cfg, env={})

    async def run() -> Any:
        with Store(tmp_path / "store") as store:
            async with Capturer(settings) as capturer:
                return await capture_one(capturer, store, f"{shop.url}/checkout/surprise",
                                         "checkout", inject={"checked boxes": RuntimeError("boom")})

    outcome = run_async(run())
    assert outcome.snapshot_id and "checked boxes: failed (boom)" in outcome.manifest["warnings"]
    record = outcome.record
    assert addon(record, "shipping_insurance")["checked_by"] == "attribute"
    assert [a["evidence"]["kind"] for a in record["anomalies"]] == ["screen_insurance"]
