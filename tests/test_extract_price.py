"""The displayed price and the original price (issue 12), on small invented pages shaped
like what real shops render: JD, Taobao/Tmall, Pinduoduo, Amazon (.com, .de, .co.uk,
.co.jp), eBay, Shopify, WooCommerce, Otto, Allegro, Ozon, Coupang, Mercado Libre, Zalando,
Cdiscount, Bol.com. Each rule of ``extractors/shown_prices.py`` and ``extractors/money.py``
has cases on several of these shapes.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractors import extract_listing
from extractors.money import find_prices, to_decimal
from extractors.sites import default_currency

ANY = object()  # the original price is not what the case is about


def _page(body: str, head: str = "", lang: str = "") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<html{lang_attr}><head>{head}</head><body>{body}</body></html>"


def _money(value: dict | str | None) -> tuple[Decimal, str | None] | None:
    """A record's price, or "12.99 USD", as (amount, currency)."""
    if value is None:
        return None
    if isinstance(value, str):
        amount, currency = value.split()
        return Decimal(amount), currency
    return Decimal(value["amount"]), value["currency"]


def _check(html: str, url: str, price: str | None, original: object = ANY) -> dict:
    record = extract_listing(html, url)
    assert not [w for w in record["warnings"] if "failed" in w]
    assert _money(record["price"]) == _money(price), record["price_candidates"]
    if original is not ANY:
        assert _money(record["original_price"]) == _money(original), \
            record["price_candidates"]  # type: ignore[arg-type]
    return record


# -- amounts: currencies and digit grouping of many countries ---------------------------

@pytest.mark.parametrize("text,currency,lang,amount,code", [
    ("18 490 тг.", None, None, "18490", "KZT"),
    ("18\u00a0490\u00a0₸", None, None, "18490", "KZT"),
    ("45,000원", None, None, "45000", "KRW"),
    ("₩45,000", None, None, "45000", "KRW"),
    ("310,00 Kn", None, None, "310.00", "HRK"),
    ("310,00 kn", None, None, "310.00", "HRK"),
    ("3 499 ₽", None, None, "3499", "RUB"),
    ("1 299 руб.", None, "ru", "1299", "RUB"),
    ("2 500 р.", None, None, "2500", "RUB"),
    ("1 299,99 zł", None, None, "1299.99", "PLN"),
    ("12 990 Kč", None, None, "12990", "CZK"),
    ("12 990 Ft", None, None, "12990", "HUF"),
    ("99,90 lei", None, None, "99.90", "RON"),
    ("199 kr", "NOK", None, "199", "NOK"),
    ("kr 1 299,-", "NOK", "nb", "1299", "NOK"),
    ("1 299:-", "SEK", "sv", "1299", "SEK"),
    ("CHF 1'299.50", None, None, "1299.50", "CHF"),
    ("1’299.– CHF", None, "de-CH", "1299", "CHF"),
    ("R$ 1.299,90", None, "pt-BR", "1299.90", "BRL"),
    ("$ 3.499", "ARS", "es-AR", "3499", "ARS"),
    ("$3.499", None, "en", "3.499", "USD"),
    ("3.499 €", None, "de", "3499", "EUR"),
    ("1.234,56 €", None, None, "1234.56", "EUR"),
    ("1\u202f299,00\u00a0€", None, "fr", "1299.00", "EUR"),
    ("12€99", None, "fr", "12.99", "EUR"),
    ("49,- €", None, "de", "49", "EUR"),
    ("¥1,280", "JPY", "ja", "1280", "JPY"),
    ("￥129.00", "CNY", None, "129.00", "CNY"),
    ("售价 ¥1.5万", "CNY", None, "15000", "CNY"),
    ("1.8万元", None, None, "18000", "CNY"),
    ("US $79.99", None, None, "79.99", "USD"),
    ("GBP 12.99", None, None, "12.99", "GBP"),
    ("12,99 $", "CAD", "fr-CA", "12.99", "CAD"),
    ("149,90 TL", None, "tr", "149.90", "TRY"),
    ("Rs. 1,299", None, None, "1299", "INR"),
    ("0,125 €", None, None, "0.125", "EUR"),
])
def test_amounts_of_many_countries(text: str, currency: str | None, lang: str | None,
                                   amount: str, code: str) -> None:
    found = find_prices(text, currency, lang=lang)
    assert [(m.amount, m.currency) for m, _, _ in found] == [(Decimal(amount), code)]


@pytest.mark.parametrize("text", ["50万+", "已拼10万+件", "Size 38", "3 items", "FIRM 12",
                                  "2024-01-25", "Qty 1 299"])
def test_numbers_that_are_no_prices(text: str) -> None:
    assert find_prices(text, "CNY") == []


def test_one_sign_per_amount_side_by_side() -> None:
    """"€60.00 €45.00": the second euro sign is the second amount's, not the first's."""
    found = find_prices("€60.00 €45.00")
    assert [m.amount for m, _, _ in found] == [Decimal("60.00"), Decimal("45.00")]


@pytest.mark.parametrize("num,currency,lang,want", [
    ("3.499", "ARS", None, "3499"), ("3.499", "USD", None, "3.499"), ("3.499", None, "it", "3499"),
    ("3.499", "EUR", "en", "3.499"), ("3.499", "JPY", "en", "3499"), ("0.499", "EUR", "de", "0.499"),
    ("1,299", "EUR", "de", "1299"), ("1.299.000", None, None, "1299000"),
    ("3.499", "USD", "es-MX", "3.499"), ("3.499", None, "es-419", "3.499"),
])
def test_a_dot_before_three_digits_follows_the_locale(num: str, currency: str | None,
                                                      lang: str | None, want: str) -> None:
    assert to_decimal(num, currency, lang) == Decimal(want)


@pytest.mark.parametrize("url,lang,want", [
    ("https://www.mercadolibre.com.ar/p/1", None, "ARS"), ("https://shop.example/p", "es-AR", "ARS"),
    ("https://allegro.pl/oferta/1", None, "PLN"), ("https://www.ozon.ru/product/1", None, "RUB"),
    ("https://shop.example/p", "ko-KR", "KRW"), ("https://www.amazon.pl/dp/B0", None, "PLN"),
    ("https://shop.example/p", "es-MX", "MXN"), ("https://shop.example/p", "fr", None),
])
def test_site_currency_from_the_address_or_the_language(url: str, lang: str | None,
                                                        want: str | None) -> None:
    assert default_currency(url, lang) == want


# -- pages: what the buyer pays now, on real-site shapes ---------------------------------

JD = """<div class="sku-name">Apple iPhone 15 (A3092) 128GB 黑色 支持移动联通电信5G</div>
<div class="summary-price-wrap"><div class="summary-price J-summary-price">
 <div class="dt">京 东 价</div><div class="dd"><span class="p-price"><span>￥</span>
 <span class="price J-p-100066896338">5999.00</span></span>
 <a class="notice J-notify-sale" href="#none">降价通知</a></div></div>
 <div class="summary-quan"><div class="dt">领 券</div><div class="dd">
 <a href="#none"><span class="text">满5000减300</span></a></div></div></div>
<div id="comment-count"><p class="comment">累计评价</p><a href="#none">50万+</a></div>
<div class="summary-stock"><div class="dt">配 送 至</div><div class="dd">北京朝阳区 有货
 <span>运费 ￥6.00</span></div></div>
<div class="m aside-recommend"><div class="mt"><h3>为你推荐</h3></div><ul class="plist">
 <li><div class="p-img"><a href="//item.jd.com/1001.html"><img src="a.jpg"></a></div>
 <div class="p-name"><a href="//item.jd.com/1001.html">手机壳</a></div>
 <div class="p-price"><strong>￥<i>39.00</i></strong></div></li></ul></div>"""

JD_FINAL = """<div class="sku-name">小米 Redmi K70 12GB+256GB</div>
<div class="summary-price"><div class="dt">京 东 价</div><div class="dd">
 <span class="p-price"><span>￥</span><span class="price">2699.00</span></span></div></div>
<div class="summary-price"><div class="dt">到手价</div><div class="dd">
 <span class="final-price">￥2399.00</span></div></div>"""

TMALL = """<div class="tb-detail-hd"><h1>Xiaomi/小米 Redmi K70 16GB+512GB 墨羽</h1></div>
<dl class="tm-price-panel"><dt class="tb-metatit">价格</dt><dd><em class="tm-yen">¥</em>
 <span class="tm-price">3299.00</span></dd></dl>
<dl class="tm-promo-panel"><dt class="tb-metatit">促销价</dt><dd><em class="tm-yen">¥</em>
 <span class="tm-price">2999.00</span></dd></dl>
<div class="tm-ind-item tm-ind-sellCount">月销量 <span class="tm-count">2万+</span></div>"""

TAOBAO_NEW = """<div class="ItemHeader--root"><h1 class="ItemHeader--mainTitle">2024新茶 明前特级西湖龙井 250g</h1></div>
<div class="Price--root"><div class="Price--priceWrap">
 <span class="Price--labelText">券后</span><span class="Price--symbol">¥</span>
 <span class="Price--priceText">238</span></div>
 <div class="Price--extraPrice"><span class="Price--extraPriceText">优惠前¥288</span></div></div>
<div class="SalesPoint--subText">已售 300+</div>"""

PDD = """<div class="goods-name">【10双装】纯棉袜子男中筒袜</div>
<div class="goods-price"><span class="price-unit">¥</span><span class="price-num">9.9</span>
 <span class="price-tag">券后</span><span class="sold">已拼10万+件</span></div>
<div class="single-buy"><span>单独购买</span><span>¥14.9</span></div>"""

AMAZON_COM = """<div id="centerCol"><div id="titleSection"><h1 id="title">
 <span id="productTitle">Anker Portable Charger, 313 Power Bank 10000mAh</span></h1></div>
<div id="bylineInfo_feature_div"><a id="bylineInfo" href="/stores/Anker/page/1">Visit the Anker Store</a></div>
<div id="corePriceDisplay_desktop_feature_div"><div class="a-section">
 <span class="a-size-large savingsPercentage">-15%</span>
 <span class="a-price priceToPay"><span class="a-offscreen">$21.99</span><span aria-hidden="true">
 <span class="a-price-symbol">$</span><span class="a-price-whole">21<span class="a-price-decimal">.</span></span><span class="a-price-fraction">99</span></span></span>
 <span class="a-price-per-unit">(<span class="a-price a-text-price"><span class="a-offscreen">$2.20</span></span> / Count)</span></div>
 <div class="a-section"><span class="basisPrice">List Price: <span class="a-price a-text-price">
 <span class="a-offscreen">$25.99</span><span aria-hidden="true">$25.99</span></span></span></div></div>
<div id="snsAccordionRowMiddle"><span>Subscribe &amp; Save:</span> <span class="a-price"><span class="a-offscreen">$20.89</span></span></div>
<div id="olp_feature_div"><a href="/gp/offer-listing/B0">New &amp; Used (12) from <span class="a-price"><span class="a-offscreen">$15.00</span></span></a></div>
</div>
<div id="sims-consolidated-2_feature_div"><div class="a-carousel-card"><a href="/dp/B1"><img src="x.jpg"></a>
 <span class="a-price"><span class="a-offscreen">$9.99</span></span></div></div>"""

AMAZON_WHOLE_FRACTION = """<h1><span id="productTitle">Smart Doorbell 2</span></h1>
<span class="a-price"><span class="a-price-symbol">$</span><span class="a-price-whole">129</span><span class="a-price-fraction">99</span></span>"""

AMAZON_DE = """<h1><span id="productTitle">Bosch Akkuschrauber GSR 12V-15</span></h1>
<div id="corePrice_desktop"><table><tr><td>Statt:</td><td><span class="a-price a-text-price">
 <span class="a-offscreen">129,99&nbsp;€</span></span></td></tr>
<tr><td>Preis:</td><td><span class="a-price"><span class="a-offscreen">99,95&nbsp;€</span></span>
 <span>Alle Preisangaben inkl. USt</span></td></tr></table></div>
<div id="mir-layout-DELIVERY_BLOCK">+ 3,99&nbsp;€ Versand</div>
<div id="usedBuySection">Gebraucht ab 79,00&nbsp;€</div>"""

AMAZON_UK = """<h1><span id="productTitle">Anker Power Bank 20,000mAh</span></h1>
<div class="a-section"><span class="a-price priceToPay"><span class="a-offscreen">£34.99</span></span></div>
<div class="a-section"><span class="a-size-small">RRP: <span class="a-price a-text-price" data-a-strike="true">
 <span class="a-offscreen">£49.99</span></span></span></div>
<div>FREE delivery on orders over £25.00 dispatched by Amazon.</div>"""

AMAZON_JP = """<h1><span id="productTitle">象印 電気ケトル 1.0L CK-DB10</span></h1>
<div><span>参考価格: </span><span class="a-price a-text-price"><span class="a-offscreen">￥5,500</span></span></div>
<div><span class="a-price priceToPay"><span class="a-offscreen">￥4,980</span></span> <span>税込</span></div>
<div>ポイント: 50pt (1%)</div>"""

EBAY = """<h1 class="x-item-title__mainTitle"><span class="ux-textspans ux-textspans--BOLD">Logitech MX Master 3S Mouse</span></h1>
<div class="x-price-primary"><span class="ux-textspans">US $79.99</span></div>
<div class="x-price-approx"><span class="ux-textspans">Approximately</span> <span class="ux-textspans">EUR 74.10</span></div>
<div class="x-additional-info"><span class="ux-textspans ux-textspans--STRIKETHROUGH">US $99.99</span></div>
<div class="ux-labels-values--shipping"><span class="ux-textspans--BOLD">US $12.50</span> <span>Standard Shipping</span></div>
<div class="x-similar-items"><h2>Similar sponsored items</h2><ul>
 <li class="s-item"><a href="https://www.ebay.com/itm/2"><img src="y.jpg"><span>Mouse 2</span><span class="s-item__price">$45.00</span></a></li>
 <li class="s-item"><a href="https://www.ebay.com/itm/3"><img src="z.jpg"><span>Mouse 3</span><span class="s-item__price">$55.00</span></a></li>
</ul></div>"""

SHOPIFY = """<div class="product__info-container"><h1>Merino Crew Neck Sweater</h1>
<div class="price price--on-sale"><div class="price__container">
 <div class="price__sale"><span class="visually-hidden">Regular price</span>
 <s class="price-item price-item--regular">$120.00</s>
 <span class="visually-hidden">Sale price</span><span class="price-item price-item--sale">$89.00</span></div></div></div>
<div class="product__tax">Tax included. <a href="/policies/shipping-policy">Shipping</a> calculated at checkout.</div>
<fieldset class="product-form__input"><legend>Size</legend>
 <input type="radio" name="Size" value="S" checked><label>S</label>
 <input type="radio" name="Size" value="M"><label>M</label></fieldset>
<form action="/cart/add"><button type="submit" name="add">Add to cart</button></form></div>
<product-recommendations class="related-products"><h2>You may also like</h2><ul>
 <li class="grid__item"><div class="card-wrapper"><a href="/products/socks">Merino Socks</a>
 <span class="price-item price-item--regular">$19.00</span></div></li></ul></product-recommendations>"""

WOO_RELATED = """<div class="product type-product"><div class="summary entry-summary">
<h1 class="product_title entry-title">Äthiopien Yirgacheffe – Filterkaffee 250 g</h1>
<p class="price"><del aria-hidden="true"><span class="woocommerce-Price-amount amount"><bdi>12,90&nbsp;<span class="woocommerce-Price-currencySymbol">&euro;</span></bdi></span></del>
 <span class="screen-reader-text">Ursprünglicher Preis war: 12,90&nbsp;&euro;.</span><ins aria-hidden="true"><span class="woocommerce-Price-amount amount"><bdi>10,50&nbsp;<span class="woocommerce-Price-currencySymbol">&euro;</span></bdi></span></ins>
 <span class="screen-reader-text">Aktueller Preis ist: 10,50&nbsp;&euro;.</span></p>
<p class="wc-gzd-additional-info tax-info">inkl. 7 % MwSt.</p>
<p class="price price-unit smaller">Grundpreis: <span class="woocommerce-Price-amount amount"><bdi>42,00&nbsp;<span>&euro;</span></bdi></span> / <span class="unit">kg</span></p>
<p class="shipping-costs-info">zzgl. <a href="/versandarten/">Versandkosten</a></p>
<div class="woocommerce-product-details__short-description"><p>Ab 40&nbsp;€ versandkostenfrei.</p></div>
</div></div>
<section class="related products"><h2>Ähnliche Produkte</h2><ul class="products">
 <li class="product"><a href="/produkt/kenia/"><h2>Kenia Nyeri AA</h2><span class="price"><bdi>13,90&nbsp;&euro;</bdi></span></a></li>
 <li class="product"><a href="/produkt/kolumbien/"><h2>Kolumbien Huila</h2><span class="price"><bdi>11,90&nbsp;&euro;</bdi></span></a></li>
 <li class="product"><a href="/produkt/peru/"><h2>Peru</h2><span class="price"><bdi>9,90&nbsp;&euro;</bdi></span></a></li>
</ul></section>"""

OTTO = """<header class="nav_header"><a class="nav_cart" href="/warenkorb">Warenkorb 0,00 €</a></header>
<h1 class="pdp_short-info__main-name">Bosch Kühlschrank KGN39VICT</h1>
<div class="pdp_price"><span class="pdp_price__retail-price">statt 849,00 €</span>
 <span class="pdp_price__price">699,00 €</span>
 <span class="pdp_price__tax">inkl. MwSt. zzgl. Versandkosten</span></div>
<div class="pdp_delivery">Lieferung: 5,95 €</div>
<div class="pdp_financing">oder ab 29,13 € monatlich</div>"""

ALLEGRO = """<h1>Odkurzacz bezworkowy Dyson V8</h1>
<div data-box-name="price"><div aria-label="cena 1 299,00 zł">1 299,<span>00</span> zł</div>
<div>dostawa od 9,99 zł</div></div>
<section data-box-name="Recommendations"><h2>Podobne oferty</h2>
 <article><a href="/oferta/2"><img src="a.jpg"></a><span>1 099,00 zł</span></article></section>"""

OZON = """<h1>Чайник электрический Xiaomi Mi Kettle</h1>
<div class="price-block"><span class="old-price">2 499 ₽</span>
 <span class="current-price">1 899 ₽</span></div>
<div class="delivery">Доставка 99 ₽</div>"""

COUPANG = """<h2 class="prod-buy-header__title">로켓배송 레인부츠</h2>
<div class="prod-price"><span class="origin-price">55,000원</span>
 <span class="total-price"><strong>45,000<span class="price-unit">원</span></strong></span></div>
<div class="prod-shipping-fee">배송비 3,000원</div>"""

MELI = """<html lang="es-AR"><body><h1 class="ui-pdp-title">Botines Adidas X Crazyfast</h1>
<div class="ui-pdp-price"><s class="andes-money-amount andes-money-amount--previous">
 <span class="andes-money-amount__currency-symbol">$</span><span class="andes-money-amount__fraction">4.999</span></s>
 <span class="andes-money-amount"><span class="andes-money-amount__currency-symbol">$</span>
 <span class="andes-money-amount__fraction">3.499</span><span class="andes-money-amount__cents">99</span></span>
 <p>Mismo precio en 6 cuotas de $ 583</p></div></body></html>"""

ZALANDO = """<h1>Nike Air Max 90</h1><div><p class="sDq_FX">149,95 €</p>
<p class="sDq_FX">inkl. MwSt.</p></div><div class="looks"><h2>Das könnte dir auch gefallen</h2>
<a href="/p/2"><img src="b.jpg"><p>Nike Air Force 1</p><p>119,95 €</p></a></div>"""

CDISCOUNT = """<h1>Téléviseur LED 55 pouces</h1><div class="fpPrice price jsMainPrice">399€99</div>
<div class="fpStriked">Prix de référence 499€99</div><div>Livraison 9€99</div>"""

BOL = """<h1 class="page-heading">Philips Airfryer XXL</h1>
<div class="price-block"><span class="promo-price">199<sup class="promo-price__fraction">99</sup></span>
<del class="buy-block__list-price">€ 249,00</del></div>"""


@pytest.mark.parametrize("name,url,html,price,original", [
    ("jd", "https://item.jd.com/100066896338.html", JD, "5999.00 CNY", ANY),
    ("jd-final", "https://item.jd.com/1.html", JD_FINAL, "2399.00 CNY", "2699.00 CNY"),
    ("tmall", "https://detail.tmall.com/item.htm?id=1", TMALL, "2999.00 CNY", "3299.00 CNY"),
    ("taobao", "https://item.taobao.com/item.htm?id=1", TAOBAO_NEW, "238 CNY", "288 CNY"),
    ("pdd", "https://mobile.yangkeduo.com/goods.html?goods_id=1", PDD, "9.9 CNY", "14.9 CNY"),
    ("amazon-com", "https://www.amazon.com/dp/B0", AMAZON_COM, "21.99 USD", "25.99 USD"),
    ("amazon-whole", "https://shop.example/p", AMAZON_WHOLE_FRACTION, "129.99 USD", ANY),
    ("amazon-de", "https://www.amazon.de/dp/B0", AMAZON_DE, "99.95 EUR", "129.99 EUR"),
    ("amazon-uk", "https://www.amazon.co.uk/dp/B0", AMAZON_UK, "34.99 GBP", "49.99 GBP"),
    ("amazon-jp", "https://www.amazon.co.jp/dp/B0", AMAZON_JP, "4980 JPY", "5500 JPY"),
    ("ebay", "https://www.ebay.com/itm/1", EBAY, "79.99 USD", "99.99 USD"),
    ("shopify", "https://merino.example/products/sweater", SHOPIFY, "89.00 USD", "120.00 USD"),
    ("woocommerce", "https://kaffee.example/produkt/1", WOO_RELATED, "10.50 EUR", "12.90 EUR"),
    ("otto", "https://www.otto.de/p/1", OTTO, "699.00 EUR", "849.00 EUR"),
    ("allegro", "https://allegro.pl/oferta/1", ALLEGRO, "1299.00 PLN", ANY),
    ("ozon", "https://www.ozon.ru/product/1", OZON, "1899 RUB", "2499 RUB"),
    ("coupang", "https://www.coupang.com/vp/products/1", COUPANG, "45000 KRW", "55000 KRW"),
    ("mercadolibre", "https://articulo.mercadolibre.com.ar/MLA-1", MELI, "3499.99 ARS", "4999 ARS"),
    ("zalando", "https://www.zalando.de/p", ZALANDO, "149.95 EUR", None),
    ("cdiscount", "https://www.cdiscount.com/f-1.html", CDISCOUNT, "399.99 EUR", "499.99 EUR"),
    ("bol", "https://www.bol.com/nl/p/1", BOL, "199.99 EUR", "249.00 EUR"),
])
def test_real_site_shapes(name: str, url: str, html: str, price: str, original: object) -> None:
    _check(html if html.startswith("<html") else _page(html), url, price, original)


# -- one rule at a time, each on a few shapes --------------------------------------------

@pytest.mark.parametrize("body,price", [
    # add-ons after the price: shipping, postage, delivery; before it: "+", "zzgl."
    ('<h1>Canvas Tote</h1><span class="price">$40.00</span> <span>+ $12.00 shipping</span>',
     "40.00 USD"),
    ('<div><span>+ $12.00 Shipping &amp; Import Fees</span></div><h1>Canvas Tote</h1>'
     '<span class="price">$40.00</span>', "40.00 USD"),
    ('<h1>Tasse</h1><span class="preis">12,90 €</span><span>zzgl. Versand 4,95 €</span>',
     "12.90 EUR"),
    ('<h1>Tasse</h1><div>4,95 € Versand</div><div class="preis">12,90 €</div>', "12.90 EUR"),
    ('<h1>Mug</h1><div>Postage: £3.20</div><div class="price">£9.99</div>', "9.99 GBP"),
    ('<h1>Bol</h1><p><span>Livraison express</span> <span>6,90 €</span></p>'
     '<p class="prix">24,90 €</p>', "24.90 EUR"),
    ('<h1>Чайник</h1><div>Доставка: 300 ₽</div><div class="price">2 990 ₽</div>', "2990 RUB"),
    ('<h1>保温杯</h1><div>运费 ¥10.00</div><div class="price">¥79.00</div>', "79.00 CNY"),
    # free-shipping thresholds, savings, coupons, instalments
    ('<h1>Lamp</h1><div>Free shipping on orders over $35</div><div class="price">$24.00</div>',
     "24.00 USD"),
    ('<h1>Lamp</h1><div class="price">$24.00</div><div>You save $6.00 (20%)</div>', "24.00 USD"),
    ('<h1>耳机</h1><div class="price">¥299</div><div>领券立减¥20</div><div>满199减20</div>',
     "299 CNY"),
    ('<h1>Sofa</h1><div class="price">€899.00</div><div>or €74.92 per month</div>',
     "899.00 EUR"),
    ('<h1>Sofá</h1><div class="precio">$ 89.999</div><div>12 cuotas de $ 7.499</div>',
     "89999 ARS"),
    ('<h1>Lamp</h1><div class="price">$40.00</div><p>or 4 interest-free payments of '
     '<b>$10.00</b> with Afterpay</p>', "40.00 USD"),
    ('<h1>Tênis</h1><div class="preco">R$ 499,90</div><p><span>10x de</span> '
     '<span>R$ 49,99</span> sem juros</p>', "499.90 BRL"),
])
def test_add_ons_and_other_amounts_are_not_the_price(body: str, price: str) -> None:
    url = "https://tienda.example.com.ar/p" if "Sofá" in body else "https://shop.example/p"
    _check(_page(body), url, price)


@pytest.mark.parametrize("body,price", [
    ('<h1>Teddy Bear</h1><div><span id="main-amt">GBP 12.99</span></div>'
     '<div class="conv-price">Approx. EUR 14.43</div>', "12.99 GBP"),
    ('<h1>Teddy Bear</h1><div class="x-price">US $20.00</div>'
     '<div><span>Approximately</span> <span>EUR 18.50</span></div>', "20.00 USD"),
    ('<h1>保温杯</h1><div class="price">US$12.99</div><div>约 ¥93.50</div>', "12.99 USD"),
    ('<h1>Mug</h1><div class="price">CHF 19.90</div><div>(ca. 20,50 €)</div>', "19.90 CHF"),
])
def test_converted_amounts_are_not_the_price(body: str, price: str) -> None:
    _check(_page(body), "https://shop.example/p", price)


@pytest.mark.parametrize("body,price", [
    ('<h1>Snorkel Mask</h1><div>Excl. VAT: <span class="price">81.97€</span></div>'
     '<div>Incl. VAT: <span class="price">100.00€</span></div>', "100.00 EUR"),
    ('<h1>Bohrmaschine</h1><div class="price-excluding-tax">84,03 €</div>'
     '<div class="price-including-tax">100,00 €</div>', "100.00 EUR"),
    ('<h1>Perceuse</h1><div class="prix">83,33 € HT</div><div class="prix">100,00 € TTC</div>',
     "100.00 EUR"),
    ('<h1>Drill</h1><div class="price">£100.00</div><div>£83.33 ex VAT</div>', "100.00 GBP"),
    ('<h1>電気ケトル</h1><div class="price-tax">4,527円（税抜）</div>'
     '<div class="price">4,980円（税込）</div>', "4980 JPY"),
    # only the price before VAT is shown (a trade shop): it is the price
    ('<h1>Drill</h1><div class="price">£83.33 ex VAT</div>', "83.33 GBP"),
])
def test_amounts_before_vat_are_not_the_price(body: str, price: str) -> None:
    _check(_page(body), "https://shop.example/p", price)


@pytest.mark.parametrize("body,price", [
    ('<div class="subscribe-box"><span class="price">$8.50</span> with repeat delivery</div>'
     '<h1>Olive Oil 500 ml</h1><span class="price">$10.00</span>', "10.00 USD"),
    ('<h1>Coffee</h1><div class="price">$14.99</div><div>Subscribe &amp; Save: $13.49</div>',
     "14.99 USD"),
    ('<h1>Kaffee</h1><div class="preis">9,99 €</div><div class="abo">Im Spar-Abo 8,99 €</div>',
     "9.99 EUR"),
    ('<h1>Book</h1><div class="price">$18.00</div><div>Used from $4.50</div>'
     '<div>Other sellers from $12.00</div>', "18.00 USD"),
    ('<h1>Buch</h1><div class="preis">18,00 €</div><a href="/offers">Gebraucht ab 4,50 €</a>',
     "18.00 EUR"),
])
def test_subscriptions_and_other_offers_are_not_the_price(body: str, price: str) -> None:
    _check(_page(body), "https://shop.example/p", price)


@pytest.mark.parametrize("body,price", [
    ('<h1>手机</h1><div class="summary-price"><div class="dt">京 东 价</div><div class="dd">'
     '<span class="p-price">￥5999.00</span></div></div><div class="summary-plus">'
     '<span class="p-price-plus">PLUS价 ￥5899.00</span></div>', "5999.00 CNY"),
    ('<h1>Пылесос</h1><div class="pr"><span>57 990 ₽</span><span>c Ozon Картой</span></div>'
     '<div class="pr"><span>59 990 ₽</span><span>без Ozon Карты</span></div>', "59990 RUB"),
    ('<h1>Coffee</h1><div class="price">$14.99</div><div>Member price: $12.99</div>',
     "14.99 USD"),
])
def test_member_and_card_prices_are_not_the_price(body: str, price: str) -> None:
    _check(_page(body), "https://shop.example/p", price)


@pytest.mark.parametrize("body,price", [
    ('<h1>Travel Pillow</h1><div class="variants"><button class="swatch"><span>Blue</span> '
     '<span class="swatch-price">$24.50</span></button><button class="swatch selected">'
     '<span>Grey</span> <span class="swatch-price">$25.00</span></button></div>'
     '<div class="buybox"><span class="price">$25.00</span></div>', "25.00 USD"),
    ('<h1>Tee</h1><ul class="variant-list"><li class="variant-item"><span>XL</span>'
     '<span>$31.00</span></li></ul><div class="product-price">$29.00</div>', "29.00 USD"),
    ('<h1>Kettle</h1><div id="twister"><li class="swatchAvailable"><span>2 l</span>'
     '<span>£44.99</span></li><li class="swatchSelect" aria-checked="true"><span>1.7 l</span>'
     '<span>£39.99</span></li></div><div class="a-price"><span>£39.99</span></div>',
     "39.99 GBP"),
    ('<h1>T恤</h1><select name="size"><option>S ¥49</option><option>XL ¥69</option></select>'
     '<div class="price">¥59</div>', "59 CNY"),
    # WooCommerce's variable product: the chosen variation's price is the price
    ('<h1>Tee</h1><form class="variations_form cart"><div class="single_variation_wrap">'
     '<div class="woocommerce-variation single_variation"><div class="woocommerce-variation-price">'
     '<span class="price"><bdi>24,00&nbsp;€</bdi></span></div></div></div></form>', "24.00 EUR"),
    # one visible variant offer, the others hidden: the visible one is the chosen one
    ('<h1>Jacke</h1><div class="variant-offer"><p><span>189,95 €</span></p></div>'
     '<div class="variant-offer" hidden><p><span>159,95 €</span></p></div>', "189.95 EUR"),
])
def test_unselected_variants_are_not_the_price(body: str, price: str) -> None:
    _check(_page(body), "https://shop.example/p", price)


@pytest.mark.parametrize("body,price", [
    ('<h1>Desk Remote R2</h1><span class="price">€19.99</span><ul class="slider-track">'
     '<li class="slide"><a href="/p/2">Wall Lamp</a><span class="price">€7.50</span></li></ul>',
     "19.99 EUR"),
    ('<h1>Wool Scarf</h1><span class="price">€49.99</span><ul class="looks"><li>'
     '<a href="/p/9">Knit Hat</a><div class="was"><del>€49.99</del></div>'
     '<div class="now">€34.95</div></li></ul>', "49.99 EUR"),
    ('<h1>Mini PC X200</h1><div class="cart-box"><span class="price">1299,00 €</span>'
     '<button>Add to cart</button></div><div class="col2"><h3><a href="/p/7">USB hub</a></h3>'
     '<span class="price">19,90 €</span></div>', "1299.00 EUR"),
    ('<div class="recommend"><span class="price">¥19.9</span></div><h1>保温杯 500ml</h1>'
     '<div class="price">¥79.00</div>', "79.00 CNY"),
    ('<h1>保温杯 500ml</h1><div class="price">¥79.00</div><div><h3>看了又看</h3>'
     '<div><span>水杯</span><span class="price">¥9.9</span></div></div>', "79.00 CNY"),
    ('<h1>Lamp</h1><div class="price">$24.00</div><div><h2>Customers also bought</h2>'
     '<div><a href="/p/5"><img src="a.jpg"></a><span class="price">$4.00</span></div></div>',
     "24.00 USD"),
])
def test_tiles_and_carousels_of_other_products_are_not_the_price(body: str, price: str
                                                                  ) -> None:
    _check(_page(body), "https://shop.example/p", price)


def test_thousands_of_tiles_are_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once a tile is known to be another product's, its list is passed over whole: the
    boxes read do not grow with the number of tiles."""
    from extractors import shown_prices

    tiles = "".join(f'<li class="s-item"><a href="/itm/{i}"><img src="{i}.jpg">'
                    f'<span>Other product {i}</span><span class="price">$ {i % 300 + 1}.50</span>'
                    f"</a></li>" for i in range(3000))
    html = _page('<h1>Logitech MX Master</h1><div class="x-price">US $79.99</div>'
                 f'<div class="carousel"><h2>Similar items</h2><ul>{tiles}</ul></div>')
    read: list[object] = []
    real = shown_prices._Reader.read_box

    def counting(self: object, box: object, *args: object) -> object:
        read.append(box)
        return real(self, box, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(shown_prices._Reader, "read_box", counting)
    record = extract_listing(html, "https://www.ebay.com/itm/1")
    assert record["price"] == {"amount": "79.99", "currency": "USD"}
    assert len(read) <= 3


@pytest.mark.parametrize("body,price,title", [
    ('<div class="modal" style="display:none"><h1>Added to your bag</h1>'
     '<span class="price">$10.00</span></div><h1>Olive Oil 500 ml</h1>'
     '<span class="price">$10.00</span>', "10.00 USD", "Olive Oil 500 ml"),
    ('<div role="dialog" class="cart-notification"><h1>Added to your cart</h1>'
     '<span class="price">$3.00</span></div><h1>Olive Oil 500 ml</h1>'
     '<span class="price">$10.00</span>', "10.00 USD", "Olive Oil 500 ml"),
    ('<div class="toast"><h1>已加入购物车</h1></div><h1>保温杯 500ml</h1>'
     '<div class="price">¥79.00</div>', "79.00 CNY", "保温杯 500ml"),
    ('<header><h1 class="logo"><a href="/">Kaffee Sommer</a></h1></header>'
     '<main><h1>Filterkaffee 250 g</h1><p class="price">10,50 €</p></main>',
     "10.50 EUR", "Filterkaffee 250 g"),
])
def test_dialogs_and_logos_are_not_the_title(body: str, price: str, title: str) -> None:
    record = _check(_page(body), "https://shop.example/p", price)
    assert record["title"] == title


@pytest.mark.parametrize("body,price,original", [
    ('<h1>Storybook</h1><div class="pricing"><span class="price price--crossed">€ 18,00</span>'
     ' <span class="price">€ 17,10</span></div>', "17.10 EUR", "18.00 EUR"),
    ('<h1>Storybook</h1><span class="price price--old">€ 18,00</span>'
     '<span class="price">€ 17,10</span>', "17.10 EUR", "18.00 EUR"),
    ('<h1>Boot</h1><span class="was-price">$60.00</span><span class="now-price">$45.00</span>',
     "45.00 USD", "60.00 USD"),
    ('<h1>Kettle</h1><div class="old_price">£49.99</div><div class="price_now">£39.99</div>',
     "39.99 GBP", "49.99 GBP"),
    ('<h1>Boot</h1><span class="strike">$60.00</span><span>$45.00</span>', "45.00 USD",
     "60.00 USD"),
    ('<h1>Boot</h1><p><span style="text-decoration: line-through">$60.00</span> $45.00</p>',
     "45.00 USD", "60.00 USD"),
    ('<h1>Hiking Boot</h1><div class="price"><del>€60.00</del> €45.00</div>', "45.00 EUR",
     "60.00 EUR"),
    ('<h1>Hiking Boot</h1><div class="price"><s>¥399</s> ¥259</div>', "259 CNY", "399 CNY"),
    ('<h1>Lamp</h1><div class="price">$24.99 <span>reg $29.99</span></div>', "24.99 USD",
     "29.99 USD"),
    # AliExpress and Ozon: the price, then the former one struck by a stylesheet
    ('<h1>Earbuds</h1><div class="product-price"><span class="x1">US $12.99</span>'
     '<span class="x2">US $25.99</span><span class="x3">-50%</span></div>', "12.99 USD",
     "25.99 USD"),
    # two amounts side by side, unlabelled, the first higher: the first is the former one
    ('<h1>Hiking Boot</h1><div class="price"><span>€60.00</span> <span>€45.00</span></div>',
     "45.00 EUR", "60.00 EUR"),
    ('<h1>Wanderschuh</h1><div class="preis">UVP 89,99 € <b>59,99 €</b></div>', "59.99 EUR",
     "89.99 EUR"),
    ('<h1>Chaussure</h1><div class="prix">au lieu de 89,99 € <b>59,99 €</b></div>',
     "59.99 EUR", "89.99 EUR"),
])
def test_struck_prices_are_the_original_never_the_price(body: str, price: str,
                                                        original: str) -> None:
    _check(_page(body), "https://shop.example/p", price, original)


def test_struck_display_beats_structured_list_price() -> None:
    """Markup and state both say 18.00 (the list price); the page strikes it and shows
    17.10: the struck amount never becomes the price."""
    head = ('<script type="application/ld+json">{"@type": "Product", "name": "Storybook", '
            '"offers": {"price": "18.00", "priceCurrency": "EUR"}}</script>'
            '<script>window.__INITIAL_STATE__ = {"product": {"name": "Storybook", '
            '"price": 18.0, "sku": "B1"}};</script>')
    body = ('<h1>Storybook</h1><span class="price price--old">€ 18,00</span>'
            '<span class="price">€ 17,10</span>')
    _check(_page(body, head), "https://shop.example/p", "17.10 EUR", "18.00 EUR")


@pytest.mark.parametrize("ld,price", [
    ('{"@type": "Product", "name": "Cable", "offers": {"price": "0", "priceCurrency": "EUR"}}',
     None),
    ('{"@type": "Product", "name": "Cable", "offers": {"price": 0.0, "priceCurrency": "EUR", '
     '"lowPrice": "4.99"}}', "4.99 EUR"),
    ('{"@type": "Product", "name": "Cable", "offers": {"@type": "AggregateOffer", '
     '"lowPrice": "0", "highPrice": "0", "priceCurrency": "EUR"}}', None),
])
def test_a_structured_price_of_zero_is_no_price(ld: str, price: str | None) -> None:
    head = f'<script type="application/ld+json">{ld}</script>'
    _check(_page("<h1>Cable</h1>", head), "https://shop.example/p", price)


@pytest.mark.parametrize("body,price", [
    ('<h1>Cable</h1><div class="price">$0.00</div><div class="price">$4.99</div>', "4.99 USD"),
    ('<header class="site-header"><a class="cart">Cart $0.00</a></header><h1>Cable</h1>'
     '<div class="price">$4.99</div>', "4.99 USD"),
])
def test_a_displayed_zero_is_no_price(body: str, price: str) -> None:
    _check(_page(body), "https://shop.example/p", price)


@pytest.mark.parametrize("body,price", [
    ('<h1>Smart Doorbell</h1><span class="price">$129<sup>99</sup></span>', "129.99 USD"),
    ('<h1>Smart Doorbell</h1><span class="price"><sup>$</sup>129<sup>99</sup></span>',
     "129.99 USD"),
    ('<h1>电饭煲</h1><span class="price">￥<em>129</em>.<em>00</em></span>', "129.00 CNY"),
    ('<h1>Kühlschrank</h1><span class="price">1.299<sup>99</sup> €</span>', "1299.99 EUR"),
    ('<h1>Doorbell</h1><span class="a-price"><span class="a-price-symbol">$</span>'
     '<span class="a-price-whole">1,129</span><span class="a-price-fraction">99</span></span>',
     "1129.99 USD"),
])
def test_cents_in_their_own_element(body: str, price: str) -> None:
    _check(_page(body), "https://shop.example/p", price)


@pytest.mark.parametrize("body,price", [
    # the positions of the title and the prices are counted in one walk: a long <select>
    # before the title does not move the title closer to the subscription price
    ('<form><select>' + "".join(f"<option>{i}</option>" for i in range(1, 61)) +
     '</select></form><h1>Oak Side Table</h1><div class="price">€120.00</div>'
     '<div class="subscribe-box"><div class="price">€102.00</div></div>', "120.00 EUR"),
    ('<nav>' + "".join(f'<a href="/c/{i}">Category {i}</a>' for i in range(200)) +
     '</nav><div class="promo">Deals from €5.00</div><h1>Oak Side Table</h1>'
     '<div class="price">€120.00</div>', "120.00 EUR"),
])
def test_the_price_nearest_the_title(body: str, price: str) -> None:
    _check(_page(body), "https://shop.example/p", price)


@pytest.mark.parametrize("body,price", [
    ('<h1>Чайник T-100</h1><span class="price">18 490 тг.</span>', "18490 KZT"),
    ('<h1>Rain boots</h1><p class="deal"><strong class="num">45,000</strong>원</p>',
     "45000 KRW"),
    ('<h1>Insoles</h1><span class="price">310,00 Kn</span>', "310.00 HRK"),
    ('<h1>Buty</h1><span class="price">1 299,<span>00</span> zł</span>', "1299.00 PLN"),
    ('<h1>Boty</h1><span class="price">2 490 Kč</span>', "2490 CZK"),
    ('<h1>Cipő</h1><span class="price">24 990 Ft</span>', "24990 HUF"),
    ('<h1>Ghete</h1><span class="price">349,99 lei</span>', "349.99 RON"),
    ('<h1>Stövlar</h1><span class="price">1 299 kr</span>', "1299 SEK"),
    ('<h1>Schuhe</h1><span class="price">CHF 1’299.–</span>', "1299 CHF"),
    ('<h1>Tênis</h1><span class="price">R$ 1.299,90</span>', "1299.90 BRL"),
])
def test_displayed_currencies_of_many_countries(body: str, price: str) -> None:
    _check(_page(body), "https://shop.example/p", price)


def test_dot_thousands_on_an_argentine_page() -> None:
    _check(_page('<h1>Botines X</h1><span class="price">$ 3.499</span>', lang="es-AR"),
           "https://shop.example/p", "3499 ARS")


@pytest.mark.parametrize("body,price,original", [
    ('<h1>无线蓝牙耳机</h1><div class="price">价格 <span>¥129.00</span></div>'
     '<div class="final">券后价 <span>¥89.00</span></div>', "89.00 CNY", "129.00 CNY"),
    ('<h1>无线蓝牙耳机</h1><dl><dt>价格</dt><dd><span class="p">¥129.00</span></dd></dl>'
     '<dl><dt>促销价</dt><dd><span class="p">¥109.00</span></dd></dl>'
     '<dl><dt>券后</dt><dd><span class="p">¥89.00</span><span>满100减20</span></dd></dl>',
     "89.00 CNY", "129.00 CNY"),
    # a coupon line mentioning its price in a sentence does not outrank the price shown
    ('<h1>无线蓝牙耳机</h1><div class="price-box"><span class="label">价格</span>'
     '<span class="price">¥199.00</span><div class="coupon-line">券后价 ¥179.00（满199减20）'
     '</div></div>', "199.00 CNY", None),
])
def test_coupon_price_beats_the_listed_price(body: str, price: str, original: str | None
                                             ) -> None:
    _check(_page(body), "https://item.taobao.com/item.htm?id=1", price, original)


# -- issue 12, round 2: member prices, minor units, original prices, site names ---------

_AMZ = ('<h1><span id="productTitle">Echo Dot (5th Gen)</span></h1>{}')


def _amz_price(amount: str, words: str = "") -> str:
    return (f'<div><span class="a-price"><span class="a-offscreen">{amount}</span></span>'
            f'{words}</div>')


@pytest.mark.parametrize("url,body,price", [
    # Tmall: 88VIP到手价 before the 到手价 everyone pays
    ("https://detail.tmall.com/item.htm?id=1",
     '<h1>兰蔻小黑瓶精华 50ml</h1><div class="price-area"><div class="vip-price">'
     '<span class="label">88VIP到手价</span><span>¥</span><span class="num">684</span></div>'
     '<div class="normal-price"><span class="label">到手价</span><span>¥</span>'
     '<span class="num">760</span></div></div>', "760 CNY"),
    # JD: the PLUS price named only by its class (p-price-plus) and a badge picture
    ("https://item.jd.com/1.html",
     '<div class="sku-name">华为 Mate 60 Pro 12GB+512GB</div>'
     '<div class="summary-price-plus"><span class="p-price-plus"><span class="price">'
     '￥6899.00</span></span><img src="plus.png" alt="PLUS会员"></div>'
     '<div class="summary-price"><div class="dt">京 东 价</div><div class="dd">'
     '<span class="p-price"><span>￥</span><span class="price">6999.00</span></span></div></div>',
     "6999.00 CNY"),
    # Vipshop 超级VIP价, Suning 黑卡价, 会员专享
    ("https://detail.vip.com/detail-1-2.html",
     '<h1>耐克 Air Force 1 板鞋</h1><div class="svip-box"><span>超级VIP价</span>'
     '<span>¥569</span></div><div class="sp-price-box"><span class="sp-price">¥599</span></div>',
     "599 CNY"),
    ("https://product.suning.com/1.html",
     '<h1>美的空调 1.5匹</h1><div class="vip">黑卡价 ¥2799</div><div class="mainprice">易购价 ¥2899'
     '</div>', "2899 CNY"),
    ("https://shop.example.cn/p", '<h1>有机牛奶 12盒</h1><div class="vip">会员专享 ¥59.9</div>'
     '<div class="price">¥69.9</div>', "69.9 CNY"),
    # Amazon: "with Prime", "Prime Member Price", Precio Prime, mit Prime, プライム会員
    ("https://www.amazon.com/dp/B0", _AMZ.format(
        _amz_price("$22.99", " with Prime") + _amz_price("$49.99")), "49.99 USD"),
    ("https://www.amazon.com/dp/B0", _AMZ.format(
        '<div><span>Prime Member Price</span> ' + _amz_price("$22.99") + '</div>' +
        _amz_price("$49.99")), "49.99 USD"),
    ("https://www.amazon.es/dp/B0", _AMZ.format(
        '<div><span>Precio Prime:</span> ' + _amz_price("19,99&nbsp;€") + '</div>' +
        _amz_price("34,99&nbsp;€")), "34.99 EUR"),
    ("https://www.amazon.de/dp/B0", _AMZ.format(
        _amz_price("19,99&nbsp;€", " mit Prime") + _amz_price("34,99&nbsp;€")), "34.99 EUR"),
    ("https://www.amazon.co.jp/dp/B0", _AMZ.format(
        '<div>プライム会員限定価格 ' + _amz_price("￥3,980") + '</div>' + _amz_price("￥7,980")),
     "7980 JPY"),
    # Ozon: по карте / with Ozon Card beside обычная цена / without Ozon Card
    ("https://www.ozon.ru/product/1",
     '<h1>Пылесос Dyson V15</h1><div><span>57 990 ₽</span> <span>по карте</span></div>'
     '<div><span>59 990 ₽</span> <span>обычная цена</span></div>', "59990 RUB"),
    ("https://www.ozon.ru/product/1",
     '<h1>Dyson V15 vacuum</h1><div><span>57 990 ₽</span> <span>with Ozon Card</span></div>'
     '<div><span>59 990 ₽</span> <span>without Ozon Card</span></div>', "59990 RUB"),
    # bol.com Select, IKEA Family (de, en: "Regular price" is then what everyone pays)
    ("https://www.bol.com/nl/nl/p/1/",
     '<h1>Philips Airfryer XXL</h1><div class="select-price"><span>Select-prijs</span> '
     '<span>€ 189,99</span></div><div class="price-block"><span class="promo-price">€ 199,99'
     '</span></div>', "199.99 EUR"),
    ("https://www.ikea.com/de/de/p/1",
     '<h1>BILLY Bücherregal, weiß</h1><div class="pip-price-package__family">'
     '<span>IKEA Family Preis</span> <span>49,99 €</span></div>'
     '<div class="pip-price-package"><span>59,99 €</span></div>', "59.99 EUR"),
    ("https://www.ikea.com/us/en/p/1",
     '<h1>BILLY Bookcase, white</h1><div class="family"><span>IKEA Family price</span> '
     '<span>$59.99</span></div><div class="regular"><span>Regular price</span> '
     '<span>$69.99</span></div>', "69.99 USD"),
    # Club, Mitgliederpreis, prix membre, Walmart+
    ("https://shop.example/p", '<h1>Espresso Beans 1 kg</h1><div>Club price $21.99</div>'
     '<div class="price">$24.99</div>', "24.99 USD"),
    ("https://shop.example.de/p", '<h1>Wanderschuh Alpin</h1><div>Mitgliederpreis 109,95 €'
     '</div><div class="price">129,95 €</div>', "129.95 EUR"),
    ("https://shop.example.fr/p", '<h1>Casque Sony</h1><div><span>Prix membre</span> '
     '<span>329,99 €</span></div><div class="price">349,99 €</div>', "349.99 EUR"),
    ("https://www.walmart.com/ip/1", '<h1>Ninja Air Fryer</h1><div><span>$79.00</span> '
     '<span>with Walmart+</span></div><div><span class="price">$89.00</span></div>',
     "89.00 USD"),
])
def test_member_club_and_card_prices_of_many_shops(url: str, body: str, price: str) -> None:
    record = _check(_page(body), url, price)
    members = [c for c in record["price_candidates"] if c["role"] == "member"]
    assert members and all(Decimal(c["amount"]) != _money(price)[0] for c in members)


def test_a_member_price_alone_is_the_price() -> None:
    _check(_page('<h1>有机牛奶 12盒</h1><div class="price">会员价 ¥59.9</div>'),
           "https://shop.example.cn/p", "59.9 CNY")


_PDD = '<div class="goods-name-x">【2件装】加厚保暖卫衣男</div><div class="gp">{}</div>'


@pytest.mark.parametrize("url,shown,state,price,original", [
    # Pinduoduo rawData in fen: a state price exactly 100x a shown one puts all in yuan
    ("https://mobile.yangkeduo.com/goods.html?goods_id=1", "<span>¥</span><span>89.90</span>",
     'window.rawData = {"store":{"goods":{"goodsName":"卫衣","minGroupPrice":8990,'
     '"marketPrice":12900}}};', "89.90 CNY", "129.00 CNY"),
    ("https://mobile.yangkeduo.com/goods.html?goods_id=1",
     "<span>¥69.90</span> <del>¥89.90</del>",
     'window.rawData = {"store":{"goods":{"goodsName":"卫衣","marketPrice":8990}}};',
     "69.90 CNY", "89.90 CNY"),
    # a market price not shown, about 100x the price: never the original price
    ("https://mobile.yangkeduo.com/goods.html?goods_id=1", "<span>¥</span><span>89.90</span>",
     'window.rawData = {"store":{"goods":{"goodsName":"卫衣","groupPrice":"89.9",'
     '"marketPrice":12900}}};', "89.90 CNY", None),
    # a shop's state in cents beside the shown dollars
    ("https://shop.example/p", '<span class="price">$129.99</span>',
     'window.__INITIAL_STATE__ = {"product":{"name":"Desk Lamp","price":12999,'
     '"listPrice":15999}};', "129.99 USD", "159.99 USD"),
    # Shopee keeps 100,000ths of the dong
    ("https://shopee.vn/p-i.1.2", '<div class="pmmxKx">₫299.000</div>',
     'window.__STATE__ = {"item":{"name":"Tai nghe","price":29900000000,'
     '"originalPrice":43500000000}};', "299000 VND", "435000 VND"),
])
def test_state_amounts_in_the_minor_unit(url: str, shown: str, state: str, price: str,
                                         original: str | None) -> None:
    html = _page(_PDD.format(shown), head=f"<script>{state}</script>")
    _check(html, url, price, original)


@pytest.mark.parametrize("url,body,price,original", [
    # Flipkart: two lines of their own, the struck one styled by an obfuscated class
    ("https://www.flipkart.com/p/itm1",
     '<h1><span class="B_NuCI">boAt Rockerz 450</span></h1><div class="_25b18c">'
     '<div class="_30jeq3 _16Jk6d">₹1,299</div><div class="_3I9_wc _2p6lqe">₹<!-- -->2,990'
     '</div><div class="_3Ay6Sb _31Dcoz"><span>56% off</span></div></div>',
     "1299 INR", "2990 INR"),
    # Shopee: the sign and the amount in separate elements, struck by class
    ("https://shopee.vn/p-i.1.2",
     '<h1>Tai nghe Bluetooth</h1><div class="flex items-center"><div class="Y3DvsN '
     'line-through">₫<span>435.000</span></div><div class="IZPeQz"><span>₫</span>299.000'
     '</div><div class="o6dk6f">-31%</div></div>', "299000 VND", "435000 VND"),
    # Lazada: pdp-price_type_deleted
    ("https://www.lazada.vn/products/i1.html",
     '<h1 class="pdp-mod-product-badge-title">Tai nghe Bluetooth</h1>'
     '<div class="pdp-product-price"><span class="pdp-price pdp-price_type_normal">₫299.000'
     '</span><div class="origin-block"><span class="pdp-price pdp-price_type_deleted">'
     '₫435.000</span><span class="pdp-product-price__discount">-31%</span></div></div>',
     "299000 VND", "435000 VND"),
    # a bundle's "Total price" beside a deal price is no original price
    ("https://www.amazon.com/dp/B0",
     '<h1><span id="productTitle">Kindle Paperwhite</span></h1><div><span>Deal Price:</span> '
     '<span class="a-price"><span class="a-offscreen">$119.99</span></span></div>'
     '<div><h2>Buy it with</h2><div>Total price: <span>$149.98</span></div></div>',
     "119.99 USD", None),
    # nor an instalment total, nor a PLUS price under 价格
    ("https://www.bestbuy.com/site/1.p",
     '<h1>MacBook Air 13"</h1><div class="priceView-customer-price"><span>$999.99</span></div>'
     '<div class="financing">$41.67/mo. for 24 months, $1,000.08 total</div>',
     "999.99 USD", None),
    ("https://item.jd.com/1.html",
     '<div class="sku-name">洗衣机 10公斤</div><div class="p-price">促销价 ￥1999.00</div>'
     '<div>价格 ￥1899.00 PLUS</div>', "1999.00 CNY", None),
])
def test_only_struck_or_labelled_amounts_are_the_original(url: str, body: str, price: str,
                                                          original: str | None) -> None:
    _check(_page(body), url, price, original)


@pytest.mark.parametrize("url,head,body,title", [
    ("https://detail.vip.com/detail-1-2.html",
     '<title>耐克 Air Force 1 板鞋 CW4555-002 黑色-唯品会</title>'
     '<meta property="og:title" content="耐克 Air Force 1 板鞋 CW4555-002 黑色-唯品会">',
     '<div class="sp-price">¥599</div>', "耐克 Air Force 1 板鞋 CW4555-002 黑色"),
    ("http://product.dangdang.com/29123456.html",
     '<meta property="og:title" content="三体（全三册） – Dangdang">',
     '<div class="price">¥93.00</div>', "三体（全三册）"),
    ("https://www.bol.com/nl/nl/p/philips/9300000/",
     '<meta property="og:title" content="Philips Airfryer XXL HD9650/90 | bol.com">',
     '<div class="price">€ 199,99</div>', "Philips Airfryer XXL HD9650/90"),
    ("https://merino.example/products/x",
     '<meta property="og:site_name" content="Woolly Co">'
     '<meta property="og:title" content="Merino Crew Neck – Woolly Co">',
     '<p class="price">$89.00</p>', "Merino Crew Neck"),
    ("https://www.zalando.de/p.html", '<meta property="og:site_name" content="Zalando">',
     '<h1>Nike Air Max 90 | Zalando</h1><p>149,95 €</p>', "Nike Air Max 90"),
    # a last part that only starts with the site's name stays
    ("https://www.apple.com/shop/p", '<meta property="og:title" content="iPhone Case - Apple '
     'Green">', '<p class="price">$12.00</p>', "iPhone Case - Apple Green"),
    ("https://www.nike.com/t/1", "", '<h1>Nike - Air Max 90</h1><p>$130.00</p>',
     "Nike - Air Max 90"),
])
def test_the_site_name_is_no_part_of_the_title(url: str, head: str, body: str, title: str
                                               ) -> None:
    record = extract_listing(_page(body, head=head), url)
    assert record["title"] == title


def test_a_card_price_in_the_biggest_font_is_still_no_price() -> None:
    html = _page('<h1>Пылесос Dyson V15</h1><div class="price-card"><span>57 990 ₽</span>'
                 '<span>с Ozon Картой</span></div><div class="price-plain"><span>59 990 ₽</span>'
                 '<span>без Ozon Карты</span></div>')
    hints = [{"text": "57 990 ₽", "font_px": 32, "y": 300, "struck": False},
             {"text": "59 990 ₽", "font_px": 16, "y": 340, "struck": False}]
    record = extract_listing(html, "https://www.ozon.ru/product/1", hints=hints)
    assert _money(record["price"]) == _money("59990 RUB"), record["price_candidates"]
