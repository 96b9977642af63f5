"""Blocks that do not speak for the product (issue 12): one vocabulary in
``extractors/blocks.py`` that the prices, the availability, the sku, the title and the
promises all read. Small invented pages in the manner of Amazon, eBay, JD, Taobao,
Shopify, WooCommerce and Zalando.
"""

from __future__ import annotations

import pytest
from lxml import html as lhtml

from extractors import blocks, extract_listing


def _el(markup: str):
    return lhtml.fragment_fromstring(markup)


@pytest.mark.parametrize("markup,other,chrome", [
    ('<div class="a-carousel-container">', True, False),
    ('<div id="sims-consolidated-2_feature_div">', True, False),
    ('<div class="m aside-recommend">', True, False),
    ('<section class="related products">', True, False),
    ('<ul class="products columns-4">', True, False),
    ('<li class="s-item">', True, False),
    ('<div class="x-similar-items">', True, False),
    ('<div class="recently_viewed">', True, False),
    ('<div class="guess-you-like">', True, False),
    ('<div class="猜你喜欢">', True, False),
    ('<div class="product-grid">', True, False),
    ('<footer class="site-footer">', False, True),
    ('<div class="nav_a">', False, True),
    ('<div class="header">', False, True),
    ('<div class="breadcrumbs">', False, True),
    ('<div class="mini-cart">', False, True),
    ('<div role="navigation">', False, True),
    ('<div class="announcement-bar">', False, True),
    # the product's own
    ('<div class="product__info-container">', False, False),
    ('<div class="product-header">', False, False),
    ('<span class="price__compare-at">', False, False),
    ('<div class="compare-at-price">', False, False),
    ('<div id="buybox">', False, False),
    ('<div class="summary-price J-summary-price">', False, False),
])
def test_other_products_and_chrome_by_name(markup: str, other: bool, chrome: bool) -> None:
    el = _el(markup)
    assert blocks.other_products(el) is other
    assert blocks.chrome(el) is chrome


@pytest.mark.parametrize("markup,dialog,users", [
    ('<div role="dialog">', True, False),
    ('<div aria-modal="true">', True, False),
    ('<div class="cart-notification-drawer modal">', True, False),
    ('<div class="toast">', True, False),
    ('<div class="notification">', True, False),
    ('<div class="back-in-stock-notification">', False, False),
    ('<section class="product-reviews">', False, True),
    ('<div id="cm-cr-dp-review-list">', False, True),
    ('<div class="comment-list">', False, True),
    ('<div class="preview-image">', False, False),
])
def test_dialogs_and_what_buyers_wrote(markup: str, dialog: bool, users: bool) -> None:
    el = _el(markup)
    assert blocks.dialog(el) is dialog
    assert blocks.user_content(el) is users


@pytest.mark.parametrize("markup,hidden", [
    ('<div hidden>', True),
    ('<div style="display: none">', True),
    ('<div style="VISIBILITY:hidden">', True),
    ('<div class="hidden">', True),
    ('<div class="d-none">', True),
    ('<div class="hidden md:block">', False),
    ('<template>', True),
    ('<dialog>', True),
    ('<dialog open>', False),
    ('<span aria-hidden="true">', False),  # Amazon's visible a-price
    ('<span class="visually-hidden">', False),
])
def test_hidden(markup: str, hidden: bool) -> None:
    assert blocks.hidden(_el(markup)) is hidden


@pytest.mark.parametrize("heading,other", [
    ("You may also like", True), ("Customers who bought this item also bought", True),
    ("为你推荐", True), ("看了又看", True), ("Das könnte dir auch gefallen", True),
    ("Vous aimerez aussi", True), ("Prodotti simili", True), ("Productos relacionados", True),
    ("Похожие товары", True), ("Similar sponsored items", True),
    ("Product details", False), ("商品介绍", False), ("Shipping, returns, and payments", False),
])
def test_headings_of_other_products(heading: str, other: bool) -> None:
    assert blocks.heads_other_products(heading) is other


def test_inside_stops_at_the_title_and_the_body() -> None:
    root = lhtml.fromstring(
        '<html><body><div class="products-page"><h1>Mug</h1><div class="carousel"><ul><li>'
        '<span id="x">$9</span></li></ul></div></div></body></html>')
    x = root.get_element_by_id("x")
    h1 = root.find(".//h1")
    assert blocks.inside(x, blocks.other_products).get("class") == "carousel"
    assert blocks.in_other_products(x)
    assert not blocks.in_other_products(x, levels=2)
    own = set(h1.iterancestors())
    assert not blocks.in_other_products(h1, stop=own)
    assert blocks.inside(root.find("body"), blocks.other_products) is None
    assert not blocks.in_chrome(x) and not blocks.in_hidden(x)


def test_the_four_readers_share_one_vocabulary(monkeypatch: pytest.MonkeyPatch) -> None:
    """A class word added to the vocabulary is passed over by the prices, the
    availability, the sku and the title alike."""
    page = ('<html lang="en"><head></head><body><main><div class="product-main">'
            '<div class="zzmore"><div class="product-title">Other Lamp</div>'
            '<span class="price">$9.00</span><p>Only 2 left</p>'
            '<span data-sku="OTHER-123"></span></div>'
            '<div class="product-title">Desk Lamp Pro</div><span class="price">$49.00</span>'
            '<button>Add to cart</button></div></main></body></html>')
    before = extract_listing(page, "https://shop.example/p")
    assert before["price"]["amount"] == "9.00"
    assert before["availability"] == "LimitedAvailability"
    assert before["sku"] == "OTHER-123"
    assert before["title"] == "Other Lamp"
    monkeypatch.setattr(blocks, "OTHER_PRODUCTS",
                        blocks._words((*blocks.OTHER_PRODUCTS_WORDS, "zzmore")))
    after = extract_listing(page, "https://shop.example/p")
    assert after["price"]["amount"] == "49.00"
    assert after["availability"] == "InStock"
    assert after["sku"] != "OTHER-123"
    assert after["title"] == "Desk Lamp Pro"


# --- promises shown only by other products -------------------------------------------------

def _tiles(words: str, n: int = 4) -> str:
    return "".join(f'<li class="s-item"><a href="/itm/{i}"><img src="/i/{i}.jpg">'
                   f'<span class="title">Other mouse {i}</span><span class="price">$ {20 + i}.99'
                   f'</span><span>{words}</span></a></li>' for i in range(n))


def _item(own: str, carousel: str, footer: str = "") -> str:
    return ('<html lang="en"><head></head><body><main><div class="x-item">'
            '<h1 class="x-item-title">Logitech MX Master 3S</h1>'
            f'<div class="x-price-primary"><span>US $79.99</span></div>{own}</div>'
            f'<div class="x-sims-carousel"><h2>Similar sponsored items</h2>'
            f'<ul class="carousel__list">{carousel}</ul></div></main>'
            f'<footer>{footer}</footer></body></html>')


def _codes(html: str) -> list[str]:
    return [p["code"] for p in extract_listing(html, "https://www.ebay.com/itm/1")["promises"]]


@pytest.mark.parametrize("words,code", [
    ("Free shipping", "free_shipping"),
    ("Free returns", "return_no_reason"),
    ("包邮", "free_shipping"),
])
def test_a_carousels_promise_is_not_the_products(words: str, code: str) -> None:
    shipping = '<div class="shipping">Shipping: US $12.00 Standard Shipping</div>'
    assert code not in _codes(_item(shipping, _tiles(words)))
    assert code not in _codes(_item(shipping, _tiles(words, 1)))
    # the product says it too: kept
    assert code in _codes(_item(f"<div>{words}</div>", _tiles(words)))


def test_the_footers_promise_stays() -> None:
    footer = "<p>Free shipping on orders over $50</p>"
    assert "free_shipping" in _codes(_item("", _tiles("Free shipping"), footer))
