"""The listing's sku (issue 12): labelled identifiers shown on the page, then structured and
state ids that the page shows, then the id in the page's own address; and that address,
taken from ``<link rel=canonical>`` / ``og:url`` when the page was saved without one.

Small invented pages, several real-site shapes per rule (see ``extractors/sku.py``).
"""

from __future__ import annotations

import json

import pytest

from extractors import extract_listing
from extractors.sku import label_candidates, url_id


def _page(body: str, head: str = "", title: str = "Test product") -> str:
    return (f"<html><head><meta charset='utf-8'>{head}</head><body><h1>{title}</h1>"
            f"<span class='price'>$20.00</span>{body}</body></html>")


def _jsonld(*nodes: dict) -> str:
    data = list(nodes) if len(nodes) > 1 else nodes[0]
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


def _sku(html: str, url: str | None = "https://shop.example/item/x") -> tuple[str | None, str | None]:
    record = extract_listing(html, url)
    assert not [w for w in record["warnings"] if "failed" in w and ("sku" in w or "address" in w)]
    return record["sku"], record["sources"].get("sku")


# --- labelled identifiers shown on the page --------------------------------------------------

SHOWN = {
    "amazon detail bullets": (
        "<div id='detailBullets_feature_div'><ul>"
        "<li><span class='a-list-item'><span class='a-text-bold'>Item model number\n\u200f\n:"
        "\n\u200e\n</span><span>XJ-100</span></span></li>"
        "<li><span class='a-list-item'><span class='a-text-bold'>ASIN\n\u200f\n:\n\u200e\n"
        "</span><span>B0C1234567</span></span></li></ul></div>", "B0C1234567"),
    "amazon product details table": (
        "<table id='productDetails_detailBullets_sections1'><tr><th>Manufacturer</th>"
        "<td>Anker</td></tr><tr><th>ASIN</th><td>B0CB1RJ3PX</td></tr></table>", "B0CB1RJ3PX"),
    "ebay item number": (
        "<div class='ux-layout-section__textual-display--itemId'><span class='ux-textspans "
        "ux-textspans--SECONDARY'>eBay item number:</span><span class='ux-textspans "
        "ux-textspans--BOLD'>296213874455</span></div><dl><dt>MPN</dt><dd>910-006557</dd>"
        "<dt>UPC</dt><dd>097855182236</dd></dl>", "296213874455"),
    "jd parameter2": (
        "<ul class='parameter2 p-parameter-list'><li title='小米手环8'>商品名称：小米手环8</li>"
        "<li title='100012345678'>商品编号：100012345678</li><li title='5.0kg'>商品毛重：5.0kg</li>"
        "<li title='型号A1'>型号：M2239B1</li></ul>", "100012345678"),
    "taobao attributes list": (
        "<div id='attributes'><p>宝贝参数</p><ul class='attributes-list'>"
        "<li title='&nbsp;优衣库'>品牌:&nbsp;优衣库</li>"
        "<li title='&nbsp;UQ459876'>货号:&nbsp;UQ459876</li></ul></div>", "UQ459876"),
    "taobao react attributes": (
        "<div class='ItemAttr--item'><span class='ItemAttr--label'>货号</span>"
        "<span class='ItemAttr--value'>UQ459876</span></div>", "UQ459876"),
    "otto characteristics table": (
        "<table class='dv_characteristicsTable'><tr><td>Herstellernummer</td><td>HX-555</td>"
        "</tr><tr><td>Artikelnummer</td><td>12345678</td></tr></table>", "12345678"),
    "zalando details": (
        "<div><span>Hersteller-Artikelnummer:</span> <span>555-1</span></div>"
        "<div><span>Artikelnummer:</span> <span>MI121D0HO-K11</span></div>", "MI121D0HO-K11"),
    "german art.-nr.": ("<p class='meta'>Art.-Nr.: 4711-0815</p>", "4711-0815"),
    "fnac reference": ("<div class='f-productHeader-reference'>Réf. Fnac : 9876543</div>",
                       "9876543"),
    "darty reference": ("<p>Marque : Bosch</p><p>Réf. : 4321234</p>", "4321234"),
    "ozon article": ("<div><span>Артикул: 1234567890</span><button>Копировать</button></div>",
                     "1234567890"),
    "russian code": ("<div class='meta'>Код: 70011</div>", "70011"),
    "italian cod. articolo": ("<p>Cod. articolo: 88123</p>", "88123"),
    "spanish referencia": ("<dl><dt>Referencia</dt><dd>A-55123</dd></dl>", "A-55123"),
    "woocommerce sku wrapper": (
        "<div class='product_meta'><span class='sku_wrapper'>SKU: <span class='sku'>KT-17"
        "</span></span> <span class='posted_in'>Category: <a>Mugs</a></span></div>", "KT-17"),
    "shopify dawn sku": (
        "<p class='product__sku' id='Sku-template--1' role='status'><span "
        "class='visually-hidden'>SKU:</span>NWK-CREW-NVY-S</p>", "NWK-CREW-NVY-S"),
    "magento attribute": (
        "<div class='product attribute sku'><strong class='type'>SKU</strong>"
        "<div class='value' itemprop='sku'>24-MB01</div></div>", "24-MB01"),
    "running text": ("<p>Questions? Quote item number: 70011 when you call us.</p>", "70011"),
    "class names the id": ("<p><span>Navy</span> - <span class='style-ref'>4321/555</span></p>",
                           "4321/555"),
}


@pytest.mark.parametrize("body,want", SHOWN.values(), ids=SHOWN.keys())
def test_labelled_id_shown_on_the_page(body: str, want: str) -> None:
    assert _sku(_page(body), None) == (want, "generic")


NOT_OURS = {
    "model": "<p>Model: XJ-100</p>",
    "mpn and ean": "<dl><dt>MPN</dt><dd>910-006557</dd><dt>EAN</dt><dd>4006381333931</dd></dl>",
    "manufacturer's article number": "<p>Hersteller-Artikelnummer: 555-1</p>",
    "manufacturer's reference": "<p>Référence fabricant : ABC-1</p><p>Manufacturer reference: X-2</p>",
    "promo code": "<p>Promo code: SAVE10</p><p>ПРОМОКОД: 12345</p><p>Código postal: 28001</p>",
    "no value": "<table><tr><th>SKU</th><td>Choose a size</td></tr></table>",
    "a word": "<p>Refund policy</p><p>Style: Modern</p><p>SKUs: 3</p>",
    "a counter": "<p>Item #12 of 30</p>",
}


@pytest.mark.parametrize("body", NOT_OURS.values(), ids=NOT_OURS.keys())
def test_other_numbers_are_not_the_sku(body: str) -> None:
    assert _sku(_page(body), None) == (None, None)


def test_model_is_not_the_sku_but_the_address_is() -> None:
    page = _page("<p>Item model number: XJ-100</p>")
    assert _sku(page, "https://www.amazon.com/Anker-Charger/dp/B0C1234567/ref=sr_1_3") == (
        "B0C1234567", "profile:amazon")


def test_label_regex_skips_words_and_keeps_explicit_labels_first() -> None:
    cands = label_candidates(["Ref. 1234/567", "SKU: KT-17", "Refund within 30 days"])
    assert [(c.value, c.weight) for c in cands] == [("1234/567", 2.5), ("KT-17", 3.0)]
    page = _page("<p>Ref. 1234/567</p><p>SKU: KT-17</p>")
    assert _sku(page, None)[0] == "KT-17"  # an explicit label beats a generic one


# --- shown beats markup and state; markup never gives mpn/gtin --------------------------------

def test_shown_label_beats_structured_sku_that_is_not_shown() -> None:
    page = _page("<div>Product code: 55509876</div>",
                 _jsonld({"@context": "https://schema.org", "@type": "Product",
                          "name": "Wool Throw", "sku": "900000017"}))
    assert _sku(page) == ("55509876", "generic")


def test_structured_sku_shown_on_the_page_counts() -> None:
    page = _page("<p class='meta'>CK-2040 · Ceramic</p>",
                 _jsonld({"@context": "https://schema.org", "@type": "Product", "name": "Cup",
                          "sku": "CK-2040"}))
    assert _sku(page) == ("CK-2040", "json-ld")


def test_of_several_product_nodes_the_one_shown_wins() -> None:
    nodes = [{"@context": "https://schema.org", "@type": "Product", "name": "Boot",
              "sku": f"7770001-040-{size}"} for size in (38, 39, 40)]
    page = _page("<p>Selected: 7770001-040-39</p>", _jsonld(*nodes))
    assert _sku(page) == ("7770001-040-39", "json-ld")
    shopify = {"@context": "https://schema.org", "@type": "Product", "name": "Sweater",
               "offers": [{"@type": "Offer", "sku": s, "price": "89.00", "priceCurrency": "USD"}
                          for s in ("NWK-S", "NWK-M", "NWK-L")]}
    page = _page("<p class='product__sku'><span class='visually-hidden'>SKU:</span>NWK-M</p>",
                 _jsonld(shopify))
    assert _sku(page)[0] == "NWK-M"
    assert _sku(_page("", _jsonld(shopify)))[0] == "NWK-S"  # nothing shown: the first


@pytest.mark.parametrize("node", [
    {"mpn": "Prop Kit"}, {"gtin13": "4006381333931"}, {"mpn": "X1", "gtin": "012345678905"},
    {"productID": "isbn:9780306406157"},
])
def test_mpn_and_gtin_are_never_the_sku(node: dict) -> None:
    page = _page("", _jsonld({"@context": "https://schema.org", "@type": "Product",
                              "name": "Prop Kit", **node}))
    assert _sku(page, "https://shop.example/products/prop-kit") == (None, None)
    labelled = _page("<div>Item number: <span>123456789012</span></div>",
                     _jsonld({"@context": "https://schema.org", "@type": "Product",
                              "name": "Prop Kit", **node}))
    assert _sku(labelled)[0] == "123456789012"


def test_state_id_loses_to_a_shown_label_and_to_the_address() -> None:
    state = ("<script>window.__STATE__={\"product\":{\"id\":4687731687499,"
             "\"title\":\"Robot Vacuum\",\"price\":\"299.00\"}}</script>")
    shown = _page("<dl><dt>Product ID</dt><dd>1257009</dd></dl>" + state)
    assert _sku(shown) == ("1257009", "generic")
    hidden = _page(state)
    assert _sku(hidden, "https://shop.example/robot-vacuum-1609583.html") == ("1609583", "url")
    assert _sku(hidden, "https://shop.example/robot-vacuum") == ("4687731687499", "embedded-json")
    named = _page(state.replace('"id"', '"skuId"'))
    assert _sku(named, "https://shop.example/robot-vacuum-1609583.html") == (
        "4687731687499", "embedded-json")


# --- the id in the address --------------------------------------------------------------------

@pytest.mark.parametrize("url,want", [
    ("https://shop.example/kitchen/pan-24-cm-1609583.html", "1609583"),
    ("https://www.amazon.de/-/en/Anker-Charger/dp/B0C1234567/ref=sr_1_1?th=1", "B0C1234567"),
    ("https://www.ebay.co.uk/itm/logitech-mouse/296213874455?hash=item1", "296213874455"),
    ("https://item.jd.com/100012345678.html", "100012345678"),
    ("https://item.taobao.com/item.htm?spm=a1z10&id=680012345678", "680012345678"),
    ("https://mobile.yangkeduo.com/goods.html?goods_id=421998765432", "421998765432"),
    ("https://www.etsy.com/listing/1234567890/handmade-mug", "1234567890"),
    ("https://www.target.com/p/kettle/-/A-12345678", "12345678"),
    ("https://www.bestbuy.com/site/tv/6505727.p?skuId=6505727", "6505727"),
    ("https://shop.example/shoes/size-42", None),
    ("https://shop.example/pan-24-cm.html", None),
    ("https://shop.example/news/sale-20240131.html", None),
    ("https://blog.example/2024/01/31/post", None),
    ("https://shop.example/products/merino-crew?variant=44871234560001", None),
    ("file:///tmp/page.html", None),
    ("not a url", None),
    ("http://[broken/x", None),
    (None, None),
])
def test_id_from_the_address(url: str | None, want: str | None) -> None:
    assert url_id(url) == want


# --- the page's own address -------------------------------------------------------------------

def _address(head: str, url: str | None = None) -> tuple[str | None, str | None, dict]:
    record = extract_listing(_page("", head), url)
    return record["url"], record["sources"].get("url"), record


def test_address_from_canonical_link() -> None:
    head = ("<link rel='canonical' href='https://shop.example/kitchen/pan-24-cm-1609583.html'>"
            "<meta property='og:url' content='https://shop.example/other'>")
    url, source, record = _address(head)
    assert (url, source) == ("https://shop.example/kitchen/pan-24-cm-1609583.html", "canonical")
    assert (record["sku"], record["sources"]["sku"]) == ("1609583", "url")


def test_address_from_og_url_and_relative_canonical() -> None:
    assert _address("<meta property='og:url' content='https://shop.example/p/9'>")[:2] == (
        "https://shop.example/p/9", "og:url")
    head = ("<link rel='canonical' href='/p/pan-1609583'>"
            "<meta property='og:url' content='https://shop.example/x'>")
    assert _address(head)[:2] == ("https://shop.example/p/pan-1609583", "canonical")
    assert _address("<link rel='canonical' href='/p/pan-1609583'>")[:2] == (None, None)
    assert _address("<link rel='canonical' href='javascript:alert(1)'>")[:2] == (None, None)


def test_given_web_address_wins_but_a_file_address_does_not() -> None:
    head = "<link rel='canonical' href='https://shop.example/p/1609583'>"
    assert _address(head, "https://shop.example/p/1609583?utm=x")[:2] == (
        "https://shop.example/p/1609583?utm=x", None)
    assert _address(head, "file:///tmp/saved.html")[:2] == (
        "https://shop.example/p/1609583", "canonical")
    assert _address("", "file:///tmp/saved.html")[:2] == ("file:///tmp/saved.html", None)


def test_saved_page_gets_its_site_profile_from_the_canonical_link() -> None:
    html = ("<html><head><link rel='canonical' href='https://item.jd.com/100012345678.html'>"
            "</head><body><div class='sku-name'>小米手环8</div></body></html>")
    record = extract_listing(html.encode(), None)
    assert record["site"] == "jd"
    assert (record["sku"], record["sources"]["sku"]) == ("100012345678", "profile:jd")
