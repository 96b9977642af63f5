"""Availability (issue 12): only stock statements about this product count.

Small invented pages shaped like what real shops render (JD, Taobao, Amazon, eBay,
Shopify, WooCommerce, Otto/Zalando, Fnac, Ozon/Wildberries...), and the traps found on
real pages: cart badges, navigation, hidden elements, image placeholders, other products,
variant pickers, negations.
"""

from __future__ import annotations

import json

import pytest

from extractors import extract_listing
from extractors.availability import PHRASES, read, stock_of
from extractors.fields import availability_of

URL = "https://shop.example/item/1"


def page(body: str, head: str = "", lang: str = "en") -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
            f"<body>{body}</body></html>")


def product(buy_box: str, title: str = "Trail Mug 350 ml", price: str = "$14.00",
            before: str = "", after: str = "") -> str:
    """A product page: header, the product block (title, price, buy box), then more."""
    return page(f'<header class="site-header"><a href="/">Shop</a>'
                f'<a href="/cart" class="cart-link">Bag <span class="count">0</span></a>'
                f"</header>{before}<main><div class=\"product-main\"><h1>{title}</h1>"
                f'<div class="product-info"><span class="price">{price}</span>{buy_box}'
                f"</div></div>{after}</main>")


def record(html: str, url: str | None = URL) -> dict:
    rec = extract_listing(html.encode("utf-8"), url)
    assert not [w for w in rec["warnings"] if "failed" in w], rec["warnings"]
    return rec


def availability(html: str, url: str | None = URL) -> str | None:
    return record(html, url)["availability"]


# --- phrases, one language at a time ------------------------------------------------------

@pytest.mark.parametrize("text,name,count", [
    ("有货", "InStock", None),
    ("现货，下单后立即发货", "InStock", None),
    ("库存932件", "InStock", 932),
    ("库存 0 件", "OutOfStock", 0),
    ("无货，此商品暂时售完", "OutOfStock", None),
    ("缺货", "OutOfStock", None),
    ("已售罄", "OutOfStock", None),
    ("预售", "PreOrder", None),
    ("仅剩3件", "LimitedAvailability", 3),
    ("仅剩三件", "LimitedAvailability", 3),
    ("即将售罄", "LimitedAvailability", None),
    ("In stock", "InStock", None),
    ("12 in stock", "InStock", 12),
    ("Only 2 left in stock - order soon.", "LimitedAvailability", 2),
    ("Last one", "LimitedAvailability", 1),
    ("More than 10 available", "InStock", None),
    ("3 available", "InStock", 3),
    ("Out of stock", "OutOfStock", None),
    ("Sold out", "OutOfStock", None),
    ("Temporarily unavailable", "OutOfStock", None),
    ("Currently unavailable. We don't know when or if this item will be back in stock.",
     "OutOfStock", None),
    ("Temporarily out of stock.", "OutOfStock", None),
    ("Pre-order now", "PreOrder", None),
    ("Available on backorder", "BackOrder", None),
    ("Back-order", "BackOrder", None),
    ("Auf Lager", "InStock", None),
    ("Sofort lieferbar", "InStock", None),
    ("lieferbar - in 2-3 Werktagen bei dir", "InStock", None),
    ("Vorrätig", "InStock", None),
    ("Nicht verfügbar", "OutOfStock", None),
    ("Zurzeit nicht lieferbar.", "OutOfStock", None),
    ("Ausverkauft", "OutOfStock", None),
    ("Dieser Artikel ist leider ausverkauft", "OutOfStock", None),
    ("Nur noch 2 Stück", "LimitedAvailability", 2),
    ("Nur noch 1 verfügbar", "LimitedAvailability", 1),
    ("Fast ausverkauft", "LimitedAvailability", None),
    ("En stock", "InStock", None),
    ("En stock en ligne", "InStock", None),
    ("Rupture de stock", "OutOfStock", None),
    ("Épuisé", "OutOfStock", None),
    ("Plus que 2 en stock", "LimitedAvailability", 2),
    ("Disponibile", "InStock", None),
    ("Esaurito", "OutOfStock", None),
    ("Non disponibile", "OutOfStock", None),
    ("Ultimi 3 pezzi", "LimitedAvailability", 3),
    ("Agotado", "OutOfStock", None),
    ("Sin stock", "OutOfStock", None),
    ("Quedan 2 unidades", "LimitedAvailability", 2),
    ("Disponible", "InStock", None),
    ("В наличии", "InStock", None),
    ("Нет в наличии", "OutOfStock", None),
    ("Под заказ", "BackOrder", None),
    ("Осталось 2 шт", "LimitedAvailability", 2),
    ("Этот товар закончился", "OutOfStock", None),
    ("Niedriger Lagerbestand: 4 übrig", "LimitedAvailability", 4),
    ("库存紧张 仅剩3件", "LimitedAvailability", 3),
    ("在庫あり。", "InStock", None),
    ("残り2点 ご注文はお早めに", "LimitedAvailability", 2),
    ("일시품절", "OutOfStock", None),
    ("Brak w magazynie", "OutOfStock", None),
    ("Niet op voorraad", "OutOfStock", None),
    ("Esgotado", "OutOfStock", None),
    ("Slut i lager", "OutOfStock", None),
])
def test_phrases_in_every_language(text: str, name: str, count: int | None) -> None:
    statement = read(text)
    assert statement is not None, text
    assert (statement.name, statement.count) == (name, count)


@pytest.mark.parametrize("text", [
    "not in stock", "Not in stock", "nicht auf Lager", "Nicht auf Lager", "нет в наличии",
    "non disponibile", "no disponible", "pas en stock", "unavailable", "Currently unavailable",
    "Non è disponibile", "Nicht vorrätig", "indisponible",
])
def test_negations_never_read_as_in_stock(text: str) -> None:
    statement = read(text)
    assert statement is not None and statement.name == "OutOfStock", text


@pytest.mark.parametrize("text", [
    "Pickup currently unavailable at Main Street Store", "Not available for delivery",
    "Currently unavailable for delivery to your address", "门店自提 无货",
    "More than 10 available", "Size 40In stock", "Other product number 0In stock",
])
def test_no_count_that_the_page_does_not_state(text: str) -> None:
    statement = read(text)
    assert statement is None or (statement.name == "InStock" and statement.count is None)


@pytest.mark.parametrize("text", [
    "0", "1", "Bag 0", "Photo unavailable", "Image unavailable", "Available in 3 colours",
    "Disponible en 3 couleurs", "Buy now, pay later with Klarna", "1,203 sold", "已售 1362",
    "Orders ship within 2 days", "Verfügbar in 4 Farben",
])
def test_not_a_stock_statement(text: str) -> None:
    assert read(text) is None, text


def test_field_values_from_structured_data_and_profiles() -> None:
    assert availability_of("https://schema.org/InStock") == "InStock"
    assert availability_of("http://schema.org/OutOfStock") == "OutOfStock"
    assert availability_of("IN_STOCK") == "InStock"
    assert availability_of("schema:InStock") == "InStock"
    assert availability_of("oos") == "OutOfStock"
    assert availability_of("instock") == "InStock"
    assert availability_of("available for order") == "BackOrder"
    assert availability_of("PreOrder") == "PreOrder"
    assert availability_of("SoldOut") == "OutOfStock"
    assert availability_of(0) == "OutOfStock" and availability_of(True) == "InStock"
    assert stock_of("2000") == ("InStock", 2000)
    assert stock_of("0") == ("OutOfStock", 0)
    assert stock_of("Only 2 left in stock - order soon.") == ("LimitedAvailability", 2)
    assert stock_of(None) == (None, None) and stock_of(float("nan")) == (None, None)


# --- the cases of issue 12 -----------------------------------------------------------------

def test_cart_badge_zero_is_not_out_of_stock() -> None:
    html = product("<button>Add to cart</button>")
    assert availability(html) == "InStock"
    assert availability(product("")) is None


def test_navigation_hidden_elements_and_placeholders_are_not_read() -> None:
    html = page('<nav><a href="/deals">Pre-order deals</a></nav><h1>Harbor Lantern</h1>'
                '<div class="alert" style="display: none">Out of stock</div>'
                '<div class="image-placeholder">Photo unavailable</div>'
                '<span class="price">$22.50</span><div id="stock">In stock</div>')
    assert availability(html) == "InStock"


@pytest.mark.parametrize("hidden", [
    '<div hidden>Sold out</div>', '<div aria-hidden="true">Sold out</div>',
    '<div style="visibility:hidden">Sold out</div>', '<template><p>Sold out</p></template>',
    '<noscript><p>Out of stock</p></noscript>', '<div class="hidden">Sold out</div>',
    '<img src="x.png" alt="Out of stock">', '<div class="d-none">Ausverkauft</div>',
])
def test_hidden_statements_are_not_read(hidden: str) -> None:
    assert availability(product(hidden + "<button>Add to cart</button>")) == "InStock"


def test_tailwind_hidden_shown_on_desktop_is_read() -> None:
    html = product('<p class="hidden md:block">Out of stock</p>')
    assert availability(html) == "OutOfStock"


def test_any_offer_in_stock_is_in_stock() -> None:
    offers = [{"@type": "Offer", "sku": f"RJ-{s}", "price": "59.00", "priceCurrency": "EUR",
               "availability": f"https://schema.org/{a}"}
              for s, a in (("S", "OutOfStock"), ("M", "InStock"), ("L", "OutOfStock"))]
    ld = {"@context": "https://schema.org", "@type": "Product", "name": "Rain Jacket",
          "offers": offers}
    html = page("<h1>Rain Jacket</h1><span>59,00 €</span>",
                f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    assert availability(html) == "InStock"


def test_variant_product_nodes_one_in_stock() -> None:
    nodes = [{"@context": "https://schema.org", "@type": "Product", "name": f"Boot - {size}",
              "sku": f"777-{size}", "offers": {"@type": "Offer", "price": "69.95",
                                                "priceCurrency": "EUR",
                                                "availability": f"https://schema.org/{a}"}}
             for size, a in ((38, "OutOfStock"), (39, "InStock"))]
    html = page("<h1>Boot</h1><span>69.95 EUR</span>",
                f'<script type="application/ld+json">{json.dumps(nodes)}</script>')
    assert availability(html) == "InStock"


def test_aggregate_offer_with_offers_inside() -> None:
    ld = {"@context": "https://schema.org", "@type": "Product", "name": "Desk Lamp",
          "offers": {"@type": "AggregateOffer", "lowPrice": "20", "highPrice": "30",
                     "priceCurrency": "EUR", "offers": [
                         {"@type": "Offer", "availability": "https://schema.org/SoldOut"},
                         {"@type": "Offer", "availability": "https://schema.org/InStock",
                          "inventoryLevel": {"@type": "QuantitativeValue", "value": 4}}]}}
    rec = record(page("<h1>Desk Lamp</h1>",
                      f'<script type="application/ld+json">{json.dumps(ld)}</script>'))
    assert rec["availability"] == "InStock" and rec["stock_count"] == 4


def test_other_products_in_structured_data_are_not_this_one() -> None:
    main = {"@context": "https://schema.org", "@type": "Product", "name": "Coffee Grinder",
            "offers": {"@type": "Offer", "price": "39.90", "priceCurrency": "EUR",
                       "availability": "https://schema.org/OutOfStock"}}
    related = {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "item": {
            "@type": "Product", "name": "Burr Set", "offers": {
                "@type": "Offer", "price": "9", "availability": "https://schema.org/InStock"}}}]}
    accessory = {"@context": "https://schema.org", "@type": "Product", "name": "Espresso Cups",
                 "offers": {"@type": "Offer", "availability": "https://schema.org/InStock"}}
    head = "".join(f'<script type="application/ld+json">{json.dumps(x)}</script>'
                   for x in (main, related, accessory))
    assert availability(page("<h1>Coffee Grinder</h1>", head)) == "OutOfStock"


def test_foreign_out_of_stock_is_read() -> None:
    html = page('<h1>Kaffeemühle K2</h1><span class="price">39,90 €</span>'
                '<div id="stock">Zurzeit nicht lieferbar.</div>', lang="de")
    assert availability(html) == "OutOfStock"


def test_opengraph_availability_tokens() -> None:
    for token, name in (("instock", "InStock"), ("oos", "OutOfStock"),
                        ("out of stock", "OutOfStock"), ("preorder", "PreOrder")):
        html = page("<h1>Candle</h1>",
                    f'<meta property="og:type" content="product">'
                    f'<meta property="product:availability" content="{token}">')
        assert availability(html) == name, token


def test_microdata_availability_link() -> None:
    html = page('<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">'
                'Teapot</h1><div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
                '<span itemprop="price" content="25.00">25,00 €</span>'
                '<link itemprop="availability" href="https://schema.org/InStock"></div></div>')
    assert availability(html) == "InStock"


# --- real-site shapes -------------------------------------------------------------------

JD_BOX = ('<div class="itemInfo-wrap"><div class="sku-name">小米 Redmi K70 12GB+256GB 墨羽</div>'
          '<div class="summary-price"><span class="p-price">￥<span>2299.00</span></span></div>'
          '<div id="summary-stock" class="summary-stock"><div class="dt">配　送　至</div>'
          '<div class="dd"><div class="store-prompt" id="store-prompt"><strong>{stock}</strong>'
          '{more}</div></div></div><div id="choose-btns">{buttons}</div></div>'
          '<div id="guessyou"><div class="mt"><h3>为你推荐</h3></div><ul>'
          '<li><div class="p-name">小米 充电器</div><div class="p-price">￥49.00</div>'
          '<div class="p-stock">无货</div></li></ul></div>')


@pytest.mark.parametrize("url", [URL, "https://item.jd.com/100066896338.html"])
def test_jd_stock_div(url: str) -> None:
    in_stock = JD_BOX.format(stock="有货", more="，下单后立即发货",
                             buttons='<a id="InitCartUrl" class="btn-special1 btn-lg" '
                                     'href="//cart.jd.com/gate.action?pid=1">加入购物车</a>')
    assert availability(page(in_stock, lang="zh-CN"), url) == "InStock"
    out = JD_BOX.format(stock="无货", more="，此商品暂时售完",
                        buttons='<a id="btn-notice" class="btn-special1 btn-lg" href="#none">'
                                '到货通知</a><a class="btn-addtocart" style="display:none">'
                                '加入购物车</a>')
    assert availability(page(out, lang="zh-CN"), url) == "OutOfStock"


def test_taobao_stock_count() -> None:
    html = page('<div class="tb-detail-hd"><h1>夏季纯棉短袖T恤</h1></div>'
                '<div class="tb-price"><em class="tb-rmb">¥</em><em class="tb-rmb-num">59.00'
                '</em></div><dl class="tb-amount"><dt>数量</dt><dd><input value="1">件 '
                '<span id="J_StockTips">(库存<span id="J_SpanStock">932</span>件)</span>'
                '</dd></dl><div class="tb-btn-buy"><a href="#">立即购买</a></div>'
                '<div class="tb-btn-add"><a href="#">加入购物车</a></div>', lang="zh-CN")
    rec = record(html)
    assert rec["availability"] == "InStock" and rec["stock_count"] == 932
    assert record(html.replace(">932<", ">0<"))["availability"] == "OutOfStock"


def test_taobao_only_few_left() -> None:
    html = page('<h1>手工皂</h1><div class="Quantity--root">数量 <input value="1">'
                '<span>仅剩2件</span></div><button>立即购买</button>', lang="zh-CN")
    rec = record(html)
    assert (rec["availability"], rec["stock_count"]) == ("LimitedAvailability", 2)


AMAZON = ('<header id="navbar"><a id="nav-cart"><span id="nav-cart-count">0</span></a>'
          '</header><div id="dp-container"><div id="centerCol"><h1 id="title">'
          '<span id="productTitle">Stainless Steel Water Bottle, 750 ml</span></h1></div>'
          '<div id="rightCol"><div id="buybox"><span class="a-price"><span class="a-offscreen">'
          '£18.99</span></span><div id="availability" class="a-section a-spacing-base">'
          '<span class="a-size-medium a-color-{color}">{text}</span></div>{buttons}</div></div>'
          '</div><div id="sims-consolidated-1_feature_div"><h2>Customers who viewed this item '
          'also viewed</h2><div class="a-carousel"><li>Other bottle <span>Currently '
          'unavailable.</span></li></div></div>')


@pytest.mark.parametrize("url", [URL, "https://www.amazon.co.uk/dp/B0TEST1234"])
def test_amazon_availability_block(url: str) -> None:
    buttons = '<input id="add-to-cart-button" type="submit" value="Add to Basket">'
    ok = page(AMAZON.format(color="success", text="In stock", buttons=buttons))
    assert availability(ok, url) == "InStock"
    few = record(page(AMAZON.format(color="price", text="Only 2 left in stock - order soon.",
                                    buttons=buttons)), url)
    assert (few["availability"], few["stock_count"]) == ("LimitedAvailability", 2)
    gone = page(AMAZON.format(color="price", buttons="", text="Currently unavailable. We "
                              "don't know when or if this item will be back in stock."))
    assert availability(gone, url) == "OutOfStock"


def test_ebay_quantity_line() -> None:
    html = page('<header id="gh"><a href="https://cart.payments.ebay.com">Cart</a></header>'
                '<h1 class="x-item-title__mainTitle"><span>Vintage Film Camera 35mm</span>'
                '</h1><div class="x-price-primary"><span>US $89.99</span></div>'
                '<div class="x-quantity"><span>Quantity:</span><input value="1">'
                '<span class="x-quantity__availability">{text}</span> <span>37 sold</span>'
                '</div><div class="x-bin-action"><a class="fake-btn fake-btn--primary" '
                'href="https://pay.ebay.com/rxo?item=1">Buy It Now</a></div>')
    assert availability(html.replace("{text}", "More than 10 available")) == "InStock"
    rec = record(html.replace("{text}", "Last one"))
    assert (rec["availability"], rec["stock_count"]) == ("LimitedAvailability", 1)
    rec = record(html.replace("{text}", "3 available"))
    assert (rec["availability"], rec["stock_count"]) == ("InStock", 3)


def _shopify(variants: list[dict], button: str, product_available: bool | None = None) -> str:
    data = {"id": 1, "title": "Linen Shirt", "price": 4900, "variants": variants}
    if product_available is not None:
        data["available"] = product_available
    return page('<div class="product__info-container"><h1>Linen Shirt</h1>'
                '<div class="price price--large"><span class="price-item">€49,00</span>'
                '<span class="badge price__badge-sold-out">Sold out</span></div>'
                f'<div class="product-form__buttons">{button}</div></div>'
                '<product-recommendations class="related-products"><h2>You may also like</h2>'
                '<ul class="grid product-grid"><li class="grid__item"><div class="card">'
                '<span class="badge">Sold out</span><a href="/p/2">Linen Trousers</a></div>'
                '</li></ul></product-recommendations>'
                '<script type="application/json" id="ProductJson-product-template">'
                f"{json.dumps(data)}</script>")


def test_shopify_variant_json_and_theme_badges() -> None:
    variants = [{"id": 11, "title": "S", "available": False, "price": 4900},
                {"id": 12, "title": "M", "available": True, "price": 4900}]
    add = '<button type="submit" name="add" class="product-form__submit button"><span>' \
          'Add to cart</span></button>'
    assert availability(_shopify(variants, add)) == "InStock"
    sold = '<button type="submit" name="add" class="product-form__submit button" disabled>' \
           '<span>Sold out</span></button>'
    gone = [{"id": 11, "available": False, "price": 4900}]
    assert availability(_shopify(gone, sold, product_available=False)) == "OutOfStock"
    # the state alone: any variant available
    state_only = _shopify(variants, "").replace("Sold out", "")
    assert availability(state_only) == "InStock"


def test_theme_state_badges_count_only_in_their_state() -> None:
    for badge in ("price__badge-sold-out", "price__badge--sold-out"):
        html = product(f'<div class="price"><span class="{badge}">Sold out</span></div>')
        assert availability(html) is None, badge
        shown = html.replace('<div class="price">', '<div class="price price--sold-out">')
        assert availability(shown) == "OutOfStock", badge


def test_shopify_variant_label_is_not_the_product() -> None:
    html = product('<fieldset class="product-form__input"><legend>Size</legend>'
                   '<input type="radio" id="l" class="disabled"><label for="l">L <span '
                   'class="visually-hidden">Variant sold out or unavailable</span></label>'
                   '</fieldset><button class="product-form__submit">Add to cart</button>')
    assert availability(html) == "InStock"


def test_woocommerce_stock_class_and_related_products() -> None:
    related = ('<section class="related products"><h2>Related products</h2><ul class="products">'
               '<li class="product outofstock"><h2 class="woocommerce-loop-product__title">'
               'Mug</h2><span class="stock out-of-stock">Out of stock</span></li></ul></section>')
    html = page('<div id="product-12" class="product type-product instock"><div class="summary '
                'entry-summary"><h1 class="product_title entry-title">Ceramic Bowl</h1>'
                '<p class="price"><span class="amount">€18,00</span></p>'
                '<p class="stock in-stock">5 in stock</p><form class="cart"><button '
                'type="submit" class="single_add_to_cart_button button alt">Add to cart</button>'
                f"</form></div>{related}</div>")
    rec = record(html)
    assert (rec["availability"], rec["stock_count"]) == ("InStock", 5)
    german = html.replace("5 in stock", "Vorrätig").replace("Out of stock", "Nicht vorrätig")
    assert availability(german) == "InStock"
    out = html.replace('<p class="stock in-stock">5 in stock</p>',
                       '<p class="stock out-of-stock">Nicht vorrätig</p>')
    out = out[:out.index('<form class="cart">')] + out[out.index("</form>") + 7:]
    assert availability(out) == "OutOfStock"


def test_otto_and_zalando_german() -> None:
    otto = page('<h1 class="pdp_short-info__main-name">Kaffeevollautomat EQ.6</h1>'
                '<div class="pdp_price__price">899,00 €</div><div class="pdp_availability">'
                '<span class="pl_text--success">lieferbar - in 2-3 Werktagen bei dir</span>'
                '</div><button class="pl_button">In den Warenkorb</button>', lang="de")
    assert availability(otto) == "InStock"
    zalando = page('<h1>Sneaker low</h1><span>89,95 €</span><div>Nur noch 1 verfügbar</div>'
                   '<button>In den Warenkorb</button>', lang="de")
    rec = record(zalando)
    assert (rec["availability"], rec["stock_count"]) == ("LimitedAvailability", 1)
    sold = zalando.replace("Nur noch 1 verfügbar", "Dieser Artikel ist leider ausverkauft")
    assert availability(sold.replace("<button>In den Warenkorb</button>", "")) == "OutOfStock"


def test_fnac_french() -> None:
    html = page('<h1 class="f-productHeader-Title">Casque Bluetooth XR</h1>'
                '<div class="f-buyBox"><span class="f-priceBox-price">129,99 €</span>'
                '<p class="f-buyBox-availabilityStatus-available">En stock en ligne</p>'
                '<button class="f-buyBox-cta">Ajouter au panier</button></div>', lang="fr")
    assert availability(html) == "InStock"
    out = html.replace("En stock en ligne", "Rupture de stock").replace(
        '<button class="f-buyBox-cta">Ajouter au panier</button>', "")
    assert availability(out) == "OutOfStock"
    label = html.replace("En stock en ligne", "Disponibilité : Indisponible").replace(
        '<button class="f-buyBox-cta">Ajouter au panier</button>', "")
    assert availability(label) == "OutOfStock"


def test_italian_and_spanish_shops() -> None:
    it = page('<h1>Moka 6 tazze</h1><span>34,90 €</span><div class="availability">'
              'Disponibile</div><button>Aggiungi al carrello</button>', lang="it")
    assert availability(it) == "InStock"
    assert availability(it.replace(">Disponibile<", ">Esaurito<").replace(
        "<button>Aggiungi al carrello</button>", "")) == "OutOfStock"
    es = page('<h1>Sartén 28 cm</h1><span>24,95 €</span><div class="stock">Quedan 2 unidades'
              '</div><button>Añadir al carrito</button>', lang="es")
    rec = record(es)
    assert (rec["availability"], rec["stock_count"]) == ("LimitedAvailability", 2)
    assert availability(es.replace("Quedan 2 unidades", "Agotado").replace(
        "<button>Añadir al carrito</button>", "")) == "OutOfStock"


def test_ozon_and_wildberries_russian() -> None:
    ozon = page('<div data-widget="webProductHeading"><h1>Чайник электрический 1,7 л</h1>'
                '</div><div data-widget="webPrice"><span>2 490 ₽</span></div>'
                '<div data-widget="webAddToCart"><button><span>Добавить в корзину</span>'
                '</button></div><div>Осталось 3 шт</div>', lang="ru")
    rec = record(ozon)
    assert (rec["availability"], rec["stock_count"]) == ("LimitedAvailability", 3)
    wb = page('<h1 class="product-page__title">Футболка хлопок</h1><span>990 ₽</span>'
              '<div class="sold-out-product"><span>Нет в наличии</span></div>', lang="ru")
    assert availability(wb) == "OutOfStock"
    gone = page('<h1>Пылесос</h1><div data-widget="webOutOfStock"><h2>Этот товар '
                'закончился</h2></div>', lang="ru")
    assert availability(gone) == "OutOfStock"


# --- other products ------------------------------------------------------------------------

@pytest.mark.parametrize("block", [
    '<section class="recommendations"><h2>You may also like</h2><div>Lamp <span>Sold out'
    '</span></div></section>',
    '<div><h2>Customers who bought this item also bought</h2><ul><li>Lamp<p>Out of stock</p>'
    '</li></ul></div>',
    '<div class="carousel"><div class="slide">Lamp<p>Sold out</p></div></div>',
    '<div><h3>为你推荐</h3><ul><li>台灯<p>已售罄</p></li></ul></div>',
    '<div><h2>Das könnte dir auch gefallen</h2><ul><li>Lampe<p>Ausverkauft</p></li></ul></div>',
])
def test_other_products_do_not_speak_for_this_one(block: str) -> None:
    html = product("<button>Add to cart</button>", after=block)
    assert availability(html) == "InStock"
    assert availability(product("", after=block)) is None


def test_tiles_before_the_product() -> None:
    tiles = ('<div class="recently-viewed"><div class="product-card">Old lamp'
             '<span>Sold out</span></div></div>')
    assert availability(product("<p>In stock</p>", before=tiles)) == "InStock"


def test_reviews_are_not_statements() -> None:
    reviews = ('<section class="product-reviews"><h2>Reviews</h2><div class="review">'
               '<p>Sold out again!</p></div></section>')
    assert availability(product("", after=reviews)) is None


def test_footer_and_links_are_not_statements() -> None:
    html = product("<button>Add to cart</button>",
                   after='<footer><p>Out of stock items are refunded within 3 days</p></footer>'
                         '<p><a href="/preorder">Pre-order deals</a></p>')
    assert availability(html) == "InStock"


def test_buttons_that_do_not_sell() -> None:
    assert availability(product("<button disabled>Add to cart</button>")) is None
    assert availability(product('<a class="btn disabled" href="#">加入购物车</a>')) is None
    assert availability(product("<p>Buy now, pay later with Klarna</p>")) is None
    assert availability(product('<a href="/cart">Add to cart</a>')) is None


def test_notify_me_means_out_of_stock() -> None:
    assert availability(product("<button>Notify me when available</button>")) == "OutOfStock"
    assert availability(product("<button>到货通知</button>")) == "OutOfStock"


def test_enabled_buy_button_beats_a_sold_out_text() -> None:
    # themes keep "Sold out" texts that only their CSS hides; platforms disable the button
    assert availability(product("<p>Out of stock</p><button>Add to cart</button>")) == \
        "InStock"
    assert availability(product("<p>Out of stock</p><button disabled>Add to cart</button>")) \
        == "OutOfStock"
    assert availability(product('<p>无货</p><a class="btn-special1 btn-disable">加入购物车</a>')) \
        == "OutOfStock"


def test_few_left_refines_in_stock_from_structured_data() -> None:
    ld = {"@context": "https://schema.org", "@type": "Product", "name": "Trail Mug 350 ml",
          "offers": {"@type": "Offer", "availability": "https://schema.org/InStock"}}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    rec = record(product("<p>Only 3 left</p>").replace("<head>", "<head>" + head))
    assert (rec["availability"], rec["stock_count"]) == ("LimitedAvailability", 3)


def test_presale_with_a_buy_button_stays_presale() -> None:
    html = page('<h1>羽绒服女中长款</h1><div class="price">¥399.00</div><div>预售</div>'
                '<div>定金预售，付尾款后按下方时间发货</div><div>件(库存1286件)</div>'
                '<button>立即购买</button><button>加入购物车</button>', lang="zh-CN")
    assert availability(html) == "PreOrder"


def test_display_agrees_with_structured_data_or_structured_wins() -> None:
    ld = {"@context": "https://schema.org", "@type": "Product", "name": "Trail Mug 350 ml",
          "offers": {"@type": "Offer", "price": "14", "priceCurrency": "USD",
                     "availability": "https://schema.org/InStock"}}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    html = product("<p>Sold out</p>").replace("<head>", "<head>" + head)
    assert availability(html) == "InStock"


def test_stock_count_only_when_it_agrees() -> None:
    rec = record(product("<p>Only 3 left</p>"))
    assert (rec["availability"], rec["stock_count"]) == ("LimitedAvailability", 3)
    assert rec["sources"]["stock_count"] == "generic"
    rec = record(product("<p>In stock</p>"))
    assert rec["stock_count"] is None
    ld = {"@context": "https://schema.org", "@type": "Product", "name": "Trail Mug 350 ml",
          "offers": {"@type": "Offer", "availability": "https://schema.org/OutOfStock"}}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    rec = record(product("<p>Only 3 left</p>").replace("<head>", "<head>" + head))
    assert rec["availability"] == "OutOfStock" and rec["stock_count"] is None


def test_embedded_state_fields() -> None:
    for state, name, count in (
            ({"goodsName": "Tee", "price": 19, "stock": 0}, "OutOfStock", 0),
            ({"goodsName": "Tee", "price": 19, "stockNum": 25}, "InStock", 25),
            ({"goodsName": "Tee", "price": 19, "soldOut": True}, "OutOfStock", None),
            ({"goodsName": "Tee", "price": 19, "stockStatus": "IN_STOCK"}, "InStock", None),
            ({"goodsName": "Tee", "price": 19, "skus": [{"stock": 0}, {"stock": 4}]},
             "InStock", 4),
            ({"itemName": "Tee", "price": 19, "stockState": 34}, "OutOfStock", None)):
        html = page("<div>Tee</div>", f"<script>window.__STATE__ = {json.dumps(state)};</script>")
        rec = record(html)
        assert (rec["availability"], rec["stock_count"]) == (name, count), state


def test_record_always_has_stock_count() -> None:
    assert record(page("<p>hello</p>"))["stock_count"] is None
    assert "stock_count" in extract_listing(b"<p>x</p>")


def test_every_phrase_of_the_table_reads_as_its_own_name() -> None:
    """Each phrase, written out ("#" a number, "@" 件), is found and named as its table
    says: the table compiles, and every phrase has an anchor the search finds."""
    wrong = []
    for name, kinds in PHRASES.items():
        for phrases in kinds.values():
            for phrase in phrases:
                text = phrase.lstrip("~").split("=")[0].replace("#", "3").replace("@", "件")
                statement = read(text, field=True)
                if statement is None or statement.name != name:
                    wrong.append((phrase, name, statement))
    assert not wrong


# --- issue 12, round 2: pre-orders in the buy box, one option's stock ---------------------

def _ld(name: str, currency: str = "EUR") -> str:
    data = {"@context": "https://schema.org", "@type": "Product", "name": name,
            "offers": {"@type": "Offer", "price": "19.99", "priceCurrency": currency,
                       "availability": "https://schema.org/InStock"}}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def _shop(body: str, name: str, lang: str = "en", currency: str = "EUR") -> str:
    return page(f'<header class="site-header"><a href="/">Shop</a></header><main>'
                f'<div class="product-main">{body}</div></main>', _ld(name, currency), lang)


@pytest.mark.parametrize("url,body,lang", [
    ("https://www.amazon.it/dp/B0",
     '<h1><span id="productTitle">Console X</span></h1><span class="a-price">469,99 €</span>'
     '<div id="availability"><span>Disponibile dal 5 giugno 2025.</span></div>'
     '<input type="submit" id="add-to-cart-button" value="Preordina ora">', "it-IT"),
    ("https://www.amazon.de/dp/B0",
     '<h1><span id="productTitle">Console X</span></h1><div class="a-price">24,00 €</div>'
     '<div id="availability"><span>Erscheint am 12. März 2026</span></div>'
     '<button>In den Einkaufswagen</button>', "de-DE"),
    ("https://www.fnac.com/a1/w-4",
     '<h1>Console X</h1><div class="f-priceBox-price">10,99 €</div>'
     '<div class="f-buyBox-availability">Disponible le 23/10/2025</div>'
     '<button class="f-buyBox-button">Ajouter au panier</button>', "fr-FR"),
    ("https://www.fnac.com/a1/w-4", '<h1>Console X</h1><div class="price">10,99 €</div>'
     '<button class="f-buyBox-button">Précommander</button>', "fr-FR"),
    ("https://www.game.es/p/1", '<h1>Console X</h1><div class="buy--price">79,95 €</div>'
     '<div class="buy--type">Reserva</div><button>Comprar</button>', "es-ES"),
    ("https://www.pccomponentes.com/p", '<h1>Console X</h1><div class="price">79,95 €</div>'
     '<div class="stock">Preventa</div><button>Comprar</button>', "es-ES"),
    ("https://item.jd.com/1.html", '<div class="sku-name">Console X</div>'
     '<div class="p-price">￥19999.00</div><div id="choose-btns"><a id="btn-reservation" '
     'class="btn-special1" href="#none">立即预约</a></div>', "zh-CN"),
    ("https://store.example/products/x", '<h1>Console X</h1><span class="price">$34.00</span>'
     '<form action="/cart/add"><button type="submit" name="add">Pre-order</button></form>',
     "en"),
    ("https://shop.example/p", '<h1>Console X</h1><div class="price">$59.99</div>'
     '<p class="stock">Available for pre-order</p><button>Add to cart</button>', "en"),
])
def test_a_pre_order_in_the_buy_box_beats_in_stock_markup(url: str, body: str, lang: str
                                                          ) -> None:
    assert availability(_shop(body, "Console X", lang), url) == "PreOrder"


def test_pre_order_elsewhere_leaves_in_stock_markup() -> None:
    body = ('<h1>Console X</h1><div class="price">$59.99</div><p class="stock">In stock</p>'
            '<button>Add to cart</button><p><a href="/preorders">Pre-order games</a></p>')
    assert availability(_shop(body, "Console X", currency="USD")) == "InStock"
    assert availability(_shop(body.replace("In stock", "Livraison disponible le 12 mars"),
                              "Console X", "fr")) == "InStock"


@pytest.mark.parametrize("url,picker", [
    # Zalando: a radio group of sizes, one says how many are left
    ("https://www.zalando.de/p.html",
     '<div role="radiogroup" aria-label="Größe"><div><input type="radio" id="s41">'
     '<label for="s41"><span>41</span></label></div><div><input type="radio" id="s42">'
     '<label for="s42"><span>42</span><span>Nur noch 2 verfügbar</span></label></div>'
     '<div><input type="radio" id="s43"><label for="s43"><span>43</span></label></div></div>'),
    # Shopify: labels in a fieldset
    ("https://store.example/products/tee",
     '<fieldset class="product-form__input"><legend>Size</legend>'
     '<input type="radio" name="Size" value="S" checked><label>S</label>'
     '<input type="radio" name="Size" value="M"><label>M <span class="low">Only 1 left</span>'
     '</label><input type="radio" name="Size" value="L"><label>L</label></fieldset>'),
    # a list of size buttons
    ("https://shop.example/p",
     '<ul class="sizes"><li class="size"><button>S</button></li><li class="size">'
     '<button>M</button><span>Only 1 left</span></li><li class="size"><button>L</button></li>'
     '</ul>'),
    # Amazon's twister
    ("https://www.amazon.com/dp/B0",
     '<div id="variation_size_name"><ul class="a-unordered-list swatches">'
     '<li class="swatchAvailable"><span>S</span></li><li class="swatchAvailable"><span>M</span>'
     '<span class="a-size-mini">Only 1 left in stock.</span></li>'
     '<li class="swatchAvailable"><span>L</span></li></ul></div>'),
])
def test_one_options_count_does_not_limit_the_product(url: str, picker: str) -> None:
    body = f'<h1>Rain Jacket</h1><div class="price">80,00 €</div>{picker}' \
           f'<button>Add to cart</button>'
    rec = record(_shop(body, "Rain Jacket"), url)
    assert (rec["availability"], rec["stock_count"]) == ("InStock", None)


def test_the_product_level_count_still_limits() -> None:
    sizes = ('<ul class="sizes"><li class="size"><button>S</button></li><li class="size">'
             '<button>M</button></li></ul>')
    for stock in ('<p class="stock">Only 3 left in stock</p>',
                  '<fieldset class="variant-picker"><label>One size <span>Only 3 left</span>'
                  '</label></fieldset>'):
        rec = record(_shop(f'<h1>Rain Jacket</h1><div class="price">80,00 €</div>{sizes}'
                           f'{stock}<button>Add to cart</button>', "Rain Jacket"))
        assert (rec["availability"], rec["stock_count"]) == ("LimitedAvailability", 3)
