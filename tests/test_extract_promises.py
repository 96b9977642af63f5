"""The seller-promise taxonomy: Chinese numerals, wordings in the languages read, negations,
dedupe, dates resolved against the capture date (or a weekday), presale pages, the capture
date wired through the listing, the labelled corpus in tests/corpus/promises."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from extractors import extract_listing, find_promises, promise_dates
from extractors import promises as promises_mod
from extractors.promises import resolve
from extractors.structured_promises import structured_promises

CORPUS = Path(__file__).parent / "corpus" / "promises"
sys.path.insert(0, str(CORPUS))
import promise_score as promise_corpus  # noqa: E402


def codes(text: str) -> list[tuple[str, dict]]:
    return [(p["code"], p["params"]) for p in find_promises(text)]


@pytest.mark.parametrize("text,code,params", [
    ("7天无理由退货", "return_no_reason", {"days": 7}),
    ("七天无理由", "return_no_reason", {"days": 7}),
    ("支持15天无理由退换货", "return_no_reason", {"days": 15}),
    ("十五天无理由退货", "return_no_reason", {"days": 15}),
    ("30-day returns", "return_no_reason", {"days": 30}),
    ("30-day return policy", "return_no_reason", {"days": 30}),
    ("Free returns", "return_no_reason", {"return_shipping": "free"}),
    ("退货运费险", "shipping_insurance", {}),
    ("赠送运费险", "shipping_insurance", {}),
    ("极速退款", "fast_refund", {}),
    ("正品保证", "genuine_guarantee", {}),
    ("正品保障", "genuine_guarantee", {}),
    ("100% authentic", "genuine_guarantee", {}),
    ("假一赔十", "counterfeit_compensation", {"multiple": 10}),
    ("假一赔三", "counterfeit_compensation", {"multiple": 3}),
    ("假一罚十", "counterfeit_compensation", {"multiple": 10}),
    ("价保30天", "price_protection", {"days": 30}),
    ("保价", "price_protection", {}),
    ("全国包邮", "free_shipping", {}),
    ("free shipping", "free_shipping", {}),
    ("48小时发货", "ship_within", {"hours": 48}),
    ("24小时内发货", "ship_within", {"hours": 24}),
    ("二十四小时内发货", "ship_within", {"hours": 24}),
    ("当日发货", "ship_within", {"hours": 24, "same_day": True}),
    ("3天内发货", "ship_within", {"hours": 72}),
    ("Ships within 24 hours", "ship_within", {"hours": 24}),
    ("次日达", "delivery_promise", {"days": 1}),
    ("当日达", "delivery_promise", {"days": 0}),
    ("next-day delivery", "delivery_promise", {"days": 1}),
    ("保修一年", "warranty", {"months": 12}),
    ("质保2年", "warranty", {"months": 24}),
    ("两年质保", "warranty", {"months": 24}),
    ("质保6个月", "warranty", {"months": 6}),
    ("2-year warranty", "warranty", {"months": 24}),
    ("官方授权", "official_authorization", {}),
    ("提供发票", "invoice", {}),
    ("可开发票", "invoice", {}),
])
def test_taxonomy(text: str, code: str, params: dict) -> None:
    found = find_promises(text)
    assert (code, params) in [(p["code"], p["params"]) for p in found], found
    hit = next(p for p in found if p["code"] == code)
    assert hit["text"] in text  # verbatim wording
    assert hit["source"] == "page"


@pytest.mark.parametrize("text", [
    "不支持7天无理由退货", "该商品不支持无理由退货", "偏远地区不包邮", "no free returns",
    "Not eligible for free shipping", "七天", "48小时", "价格 ¥199", "无运费险",
])
def test_negations_and_non_promises(text: str) -> None:
    assert codes(text) == []


def test_dedupe_and_longest_overlap() -> None:
    found = find_promises("退货运费险 退货运费险 运费险")
    assert [(p["code"], p["text"]) for p in found] == [
        ("shipping_insurance", "退货运费险"), ("shipping_insurance", "运费险")]


def test_source_is_passed_through() -> None:
    assert find_promises("假一赔十", source="chat")[0]["source"] == "chat"


def test_mixed_sentence_keeps_order() -> None:
    assert [c for c, _ in codes("支持7天无理由退货，假一赔十，48小时发货，运费险")] == [
        "return_no_reason", "counterfeit_compensation", "ship_within", "shipping_insurance"]


@pytest.mark.parametrize("text,code,params", [
    # returns with their terms
    ("享受7日内退货，15日内换货", "return_policy", {"days": 7, "exchange_days": 15}),
    ("15天包换", "return_policy", {"exchange_days": 15}),
    ("本产品全国联保，享受三包服务", "return_policy", {"sanbao": True}),
    ("7日内（含7日，自客户收到商品之日起计算），在保证商品完好的前提下，可无理由退货",
     "return_no_reason", {"days": 7}),
    ("60 days money back or replacement, buyer pays return shipping", "return_no_reason",
     {"days": 60, "return_shipping": "buyer"}),
    ("30 days returns. Seller pays for return shipping.", "return_no_reason",
     {"days": 30, "return_shipping": "seller"}),
    ("FREE 30-day refund/replacement", "return_no_reason", {"days": 30, "return_shipping": "free"}),
    ("30 jours pour changer d'avis", "return_no_reason", {"days": 30}),
    ("Retours gratuits sous 14 jours", "return_no_reason", {"days": 14, "return_shipping": "free"}),
    ("30 Tage Rückgabe. Käufer zahlt Rückversand.", "return_no_reason",
     {"days": 30, "return_shipping": "buyer"}),
    ("Kostenlose Rücksendung", "return_no_reason", {"return_shipping": "free"}),
    ("14 Tage Widerrufsrecht", "return_no_reason", {"days": 14}),
    ("退货包运费", "shipping_insurance", {}),
    # payment, service, delivery modes
    ("支持货到付款", "cash_on_delivery", {}),
    ("Cash on Delivery available", "cash_on_delivery", {}),
    ("Paiement à la livraison", "cash_on_delivery", {}),
    ("Versand per Nachnahme", "cash_on_delivery", {}),
    ("售后上门", "onsite_service", {}),
    ("免费上门安装", "onsite_service", {"kind": "install"}),
    ("上门取件", "onsite_service", {"kind": "pickup"}),
    ("送货上门", "home_delivery", {}),
    ("Livraison à domicile", "home_delivery", {}),
    ("Lieferung nach Hause", "home_delivery", {}),
    ("retrait en magasin", "store_pickup", {}),
    ("Click & Collect", "store_pickup", {}),
    ("Abholung im Markt", "store_pickup", {}),
    ("门店自提", "store_pickup", {}),
    ("eBay Money Back Guarantee", "money_back_guarantee", {}),
    ("Satisfait ou remboursé", "money_back_guarantee", {}),
    ("Geld-zurück-Garantie", "money_back_guarantee", {}),
    ("No additional import charges at delivery!", "import_charges_included", {}),
    ("包税", "import_charges_included", {}),
    ("正品行货", "genuine_guarantee", {}),
    ("全国联保", "warranty", {"nationwide": True}),
    ("Garantie 2 ans", "warranty", {"months": 24}),
    ("2 Jahre Herstellergarantie", "warranty", {"months": 24}),
    ("坏果包赔", "damage_compensation", {}),
    # free shipping and its threshold
    ("满39免运费", "free_shipping", {"threshold": 39, "currency": "CNY"}),
    ("京东配送满39元免基础运费", "free_shipping", {"threshold": 39, "currency": "CNY"}),
    ("满2件包邮", "free_shipping", {"min_items": 2}),
    ("Free shipping on orders over $35", "free_shipping", {"threshold": 35, "currency": "USD"}),
    ("Free UK delivery on orders over £40", "free_shipping", {"threshold": 40, "currency": "GBP"}),
    ("Livraison gratuite dès 25 € d'achats", "free_shipping", {"threshold": 25, "currency": "EUR"}),
    ("Versandkostenfrei ab 29,00 €", "free_shipping", {"threshold": 29, "currency": "EUR"}),
    ("Ab 1.000 € versandkostenfrei", "free_shipping", {"threshold": 1000, "currency": "EUR"}),
    ("Kostenloser Versand", "free_shipping", {}),
    # shipping and delivery time
    ("Will usually ship within 1 business day", "ship_within", {"business_days": 1}),
    ("Ships in 1–2 business days", "ship_within", {"business_days": 2}),
    ("3个工作日内发货", "ship_within", {"business_days": 3}),
    ("付款后15天内发货", "ship_within", {"hours": 360}),
    ("Expédié sous 24h", "ship_within", {"hours": 24}),
    ("Versand innerhalb von 24 Stunden", "ship_within", {"hours": 24}),
    ("预计今日送达", "delivery_promise", {"days": 0}),
    ("今日下单明日送达", "delivery_promise", {"days": 1}),
    ("211限时达", "delivery_promise", {"days": 1}),
    ("预计3-5天送达", "delivery_promise", {"days": 5}),
    ("Lieferung in 1-3 Werktagen", "delivery_promise", {"business_days": 3}),
    ("Next working day delivery", "delivery_promise", {"business_days": 1}),
    ("京东配送 99元免基础运费(20kg内)", "free_shipping", {"threshold": 99, "currency": "CNY"}),
    ("Will usually post within 1 business day", "ship_within", {"business_days": 1}),
    ("发货时间：付款后5天内", "ship_within", {"hours": 120}),
    ("退货宝", "shipping_insurance", {}),
    ("Eligible for Return, Refund or Replacement within 30 days of receipt",
     "return_no_reason", {"days": 30}),
    ("预计明天(周三)送达", "delivery_promise", {"days": 1}),
    ("Free shipping, arrives in 2 days", "delivery_promise", {"days": 2}),
    ("快递: 0.00", "free_shipping", {}),
    ("Herstellergarantie\n5 Jahre auf den Motor", "warranty", {"months": 60}),
    ("Garanzia\n24 mesi", "warranty", {"months": 24}),
    ("保修期: 2年", "warranty", {"months": 24}),
    ("本商品进口税费由商家承担，下单无需另付", "import_charges_included", {}),
    ("Orders ship from Portland, OR within 2 business days.", "ship_within",
     {"business_days": 2}),
    # the commonest wordings of the other languages measured
    ("Spedizione gratuita", "free_shipping", {}),
    ("Reso gratuito entro 30 giorni", "return_no_reason", {"days": 30}),
    ("Llega gratis mañana", "delivery_promise", {"days": 1}),
    ("Devolución gratis. Tenés 30 días desde que lo recibís.", "return_no_reason",
     {"days": 30, "return_shipping": "free"}),
    ("Wysyłka w 24 godziny", "ship_within", {"hours": 24}),
    ("Gwarancja: 24 miesiące", "warranty", {"months": 24}),
    ("Доставим завтра, 4 декабря", "delivery_promise", {"days": 1, "date": "--12-04"}),
    ("Самовывоз из магазина", "store_pickup", {}),
    ("商品到着後30日以内に返品可能", "return_no_reason", {"days": 30}),
    ("내일(목) 12/4 도착 보장", "delivery_promise", {"days": 1}),
    # presale
    ("预售18天", "presale", {"days": 18}),
    ("预售期15天", "presale", {"days": 15}),
    # Dutch (bol.com, Coolblue)
    ("Gratis verzending", "free_shipping", {}),
    ("Gratis verzending door bol vanaf 25 euro", "free_shipping",
     {"threshold": 25, "currency": "EUR"}),
    ("Voor 23:59 uur besteld, morgen in huis", "delivery_promise", {"days": 1}),
    ("Morgen gratis bezorgd", "delivery_promise", {"days": 1}),
    ("30 dagen bedenktijd", "return_no_reason", {"days": 30}),
    ("30 dagen gratis retourneren", "return_no_reason", {"days": 30, "return_shipping": "free"}),
    ("2 jaar garantie", "warranty", {"months": 24}),
    ("Gratis afhalen in de winkel", "store_pickup", {}),
    # Portuguese, Brazil (Mercado Livre, Magalu)
    ("Frete grátis", "free_shipping", {}),
    ("Frete grátis acima de R$ 79", "free_shipping", {"threshold": 79, "currency": "BRL"}),
    ("Chegará grátis amanhã", "delivery_promise", {"days": 1}),
    ("Chega amanhã", "delivery_promise", {"days": 1}),
    ("Devolução grátis em 30 dias", "return_no_reason", {"days": 30, "return_shipping": "free"}),
    ("Devolução grátis. Você tem 30 dias a partir da data de recebimento.", "return_no_reason",
     {"days": 30, "return_shipping": "free"}),
    ("Garantia de 12 meses", "warranty", {"months": 12}),
    ("Garantia de fábrica: 12 meses", "warranty", {"months": 12}),
    ("Compra Garantida, receba o produto que está esperando ou devolvemos o dinheiro",
     "money_back_guarantee", {}),
    ("Retire na loja", "store_pickup", {}),
    # Spanish and Italian (Amazon.es/.it, Mercado Libre)
    ("Envío gratis", "free_shipping", {}),
    ("Envío gratis en pedidos superiores a 29 €", "free_shipping",
     {"threshold": 29, "currency": "EUR"}),
    ("Llega mañana", "delivery_promise", {"days": 1}),
    ("Devolución gratis 30 días", "return_no_reason", {"days": 30, "return_shipping": "free"}),
    ("Garantía 2 años", "warranty", {"months": 24}),
    ("Consegna domani", "delivery_promise", {"days": 1}),
    ("Garanzia 24 mesi", "warranty", {"months": 24}),
    ("Spedizione gratuita per ordini superiori a 99 €", "free_shipping",
     {"threshold": 99, "currency": "EUR"}),
    # Russian (Ozon, Wildberries)
    ("Бесплатная доставка", "free_shipping", {}),
    ("Доставка завтра", "delivery_promise", {"days": 1}),
    ("Возврат 7 дней", "return_no_reason", {"days": 7}),
    ("Можно вернуть в течение 7 дней", "return_no_reason", {"days": 7}),
    ("Гарантия 12 месяцев", "warranty", {"months": 12}),
    ("Оригинальный товар", "genuine_guarantee", {}),
    ("Оплата при получении", "cash_on_delivery", {}),
    # Polish (Allegro)
    ("Darmowa dostawa", "free_shipping", {}),
    ("dostawa jutro", "delivery_promise", {"days": 1}),
    ("Darmowe zwroty do 30 dni", "return_no_reason", {"days": 30, "return_shipping": "free"}),
    ("Płatność przy odbiorze", "cash_on_delivery", {}),
    ("Odbiór osobisty", "store_pickup", {}),
    # Vietnamese (Shopee, Lazada, Tiki)
    ("Miễn phí vận chuyển", "free_shipping", {}),
    ("Miễn phí vận chuyển cho đơn hàng từ ₫300.000", "free_shipping",
     {"threshold": 300000, "currency": "VND"}),
    ("Trả hàng miễn phí 15 ngày", "return_no_reason", {"days": 15, "return_shipping": "free"}),
    ("15 ngày trả hàng miễn phí", "return_no_reason", {"days": 15, "return_shipping": "free"}),
    ("Chính hãng 100%", "genuine_guarantee", {}),
    ("Hoàn tiền 111% nếu hàng giả", "counterfeit_compensation", {"percent": 111}),
    ("Thanh toán khi nhận hàng", "cash_on_delivery", {}),
    # India and Malaysia (Flipkart, Lazada)
    ("7 Days Replacement Policy", "return_policy", {"exchange_days": 7}),
    ("10 Days Return Policy", "return_no_reason", {"days": 10}),
    ("Free Shipping above RM40", "free_shipping", {"threshold": 40, "currency": "MYR"}),
    ("Free delivery on orders above ₹499", "free_shipping", {"threshold": 499, "currency": "INR"}),
    ("14 days free & easy return", "return_no_reason", {"days": 14}),
    ("12 Months Local Manufacturer Warranty", "warranty", {"months": 12}),
    # Japanese and Korean
    ("30日間返品可", "return_no_reason", {"days": 30}),
    ("明日お届け", "delivery_promise", {"days": 1}),
    ("あす楽対応", "delivery_promise", {"days": 1}),
    ("メーカー保証1年", "warranty", {"months": 12}),
    ("代金引換", "cash_on_delivery", {}),
    ("무료배송", "free_shipping", {}),
    ("내일 도착", "delivery_promise", {"days": 1}),
    ("오늘출발", "ship_within", {"hours": 24, "same_day": True}),
    ("무료반품", "return_no_reason", {"return_shipping": "free"}),
    # US retail (Target, Walmart, Best Buy, IKEA, Etsy)
    ("Free shipping on orders $35+", "free_shipping", {"threshold": 35, "currency": "USD"}),
    ("Free standard shipping with $35 orders", "free_shipping",
     {"threshold": 35, "currency": "USD"}),
    ("Pickup today at Mountain View", "store_pickup", {}),
    ("Free pickup", "store_pickup", {}),
    ("Ready within 2 hours for pickup", "store_pickup", {}),
    ("90-day returns", "return_no_reason", {"days": 90}),
    ("Free 90-day returns", "return_no_reason", {"days": 90, "return_shipping": "free"}),
    ("This item can be returned within 90 days of purchase", "return_no_reason", {"days": 90}),
    ("1-year manufacturer warranty", "warranty", {"months": 12}),
    ("Manufacturer's Warranty - Parts\n1 year", "warranty", {"months": 12}),
    ("365 days to change your mind", "return_no_reason", {"days": 365}),
    ("Returns & exchanges accepted within 30 days", "return_policy",
     {"days": 30, "exchange_days": 30}),
    ("Ships out within 1–2 business days", "ship_within", {"business_days": 2}),
])


def test_taxonomy_grows_to_real_listings(text: str, code: str, params: dict) -> None:
    found = find_promises(text)
    assert (code, params) in [(p["code"], p["params"]) for p in found], found
    assert all(p["text"] in text for p in found)


@pytest.mark.parametrize("text,params", [
    ("Get it between Mon, Dec 8 and Thu, Dec 11", {"date_from": "2025-12-08",
                                                   "date_to": "2025-12-11"}),
    ("FREE delivery Dec 10 - 15", {"date_from": "2025-12-10", "date_to": "2025-12-15"}),
    ("Estimated on or before Fri, Dec 12 to 10001", {"date": "2025-12-12"}),
    ("Livraison GRATUITE samedi 13 décembre", {"date": "2025-12-13"}),
    ("Lieferung zwischen Mi. 10.12. und Fr. 12.12.", {"date_from": "2025-12-10",
                                                     "date_to": "2025-12-12"}),
    ("Delivered between Mon, Dec 29 and Fri, Jan 2", {"date_from": "2025-12-29",
                                                      "date_to": "2026-01-02"}),
])
def test_delivery_dates(text: str, params: dict) -> None:
    found = [p["params"] for p in find_promises(text, captured_at="2025-12-02T12:00:00Z")
             if p["code"] == "delivery_promise"]
    assert params in found, found


def test_a_price_is_not_a_date_nor_a_threshold() -> None:
    assert codes("Livraison 3.99 €") == codes("Lieferung 3.99") == codes("Delivery 12.99") == []
    assert codes("9.9元包邮") == [("free_shipping", {})]  # a price with shipping included


@pytest.mark.parametrize("text", [
    "不支持货到付款", "暂不支持自提", "该商品不支持价保", "售出不退不换", "No returns accepted",
    "Seller does not accept returns.", "Keine Rücknahme", "Rückgabe ausgeschlossen",
    "Kein kostenloser Versand", "Abholung im Markt nicht möglich", "retours non acceptés",
    "Livraison à domicile non disponible", "Retrait en magasin indisponible",
    "Pas de livraison gratuite", "Free returns not available on sale items",
    "Local pickup not available", "延长保修2年 ￥199", "May be subject to import charges",
    "先用后付",
    # the other languages
    "Geen gratis verzending", "Gratis verzending niet mogelijk", "Retourneren niet mogelijk",
    "Sem frete grátis", "Frete grátis não disponível", "Devolução grátis não disponível",
    "Sin devoluciones", "Envío gratis no disponible", "Envío gratis: No",
    "Reso non disponibile", "Reso gratuito non disponibile", "Spedizione gratuita non disponibile",
    "Возврат невозможен", "Бесплатная доставка недоступна", "Самовывоз недоступен",
    "Darmowa dostawa niedostępna", "Płatność przy odbiorze niemożliwa",
    "Không miễn phí vận chuyển", "Không hỗ trợ trả hàng miễn phí 15 ngày",
    "送料無料対象外", "代金引換不可", "代金引換はご利用いただけません", "무료배송 불가",
    "Returns & exchanges not accepted", "Pickup not available at this store", "No free pickup",
])
def test_more_negations_and_non_promises(text: str) -> None:
    assert codes(text) == []


def test_dates_resolve_against_the_capture_date() -> None:
    text = "Estimated between Mon, Dec 8 and Thu, Dec 11"
    [p] = find_promises(text, captured_at="2025-12-02T18:00:00Z")
    assert p["params"] == {"date_from": "2025-12-08", "date_to": "2025-12-11"}
    [p] = find_promises("Get it by Dec 8 - 11")  # no capture date: month and day only, noted
    assert p["params"] == {"date_from": "--12-08", "date_to": "--12-11"} and "note" in p
    # a date early next year, seen in December, is next year's
    [p] = find_promises("1月25号-1月31号发货", captured_at="2026-12-02T04:00:00Z")
    assert (p["code"], p["params"]) == ("presale", {"date_from": "2027-01-25",
                                                    "date_to": "2027-01-31"})
    [p] = find_promises("预计今日送达", captured_at="2026-12-01T20:00:00Z")  # 04:00 in Beijing
    assert p["params"] == {"days": 0, "date": "2026-12-02"}


@pytest.fixture
def extraction_day(monkeypatch):
    """Pins the day of extraction, the only clock a promise ever reads."""
    def pin(day: date) -> None:
        monkeypatch.setattr(promise_dates, "extraction_day", lambda: day)
    return pin


@pytest.mark.parametrize("text,params", [
    ("Estimated between Mon, Dec 8 and Thu, Dec 11", {"date_from": "2025-12-08",
                                                     "date_to": "2025-12-11"}),
    ("Arrives by Thu, Dec 4", {"date": "2025-12-04"}),
    ("Get it by Friday, Dec 5", {"date": "2025-12-05"}),
    ("Delivered between Mon, Dec 29 and Fri, Jan 2", {"date_from": "2025-12-29",
                                                      "date_to": "2026-01-02"}),
    ("GRATIS Lieferung Do., 4. Dezember", {"date": "2025-12-04"}),
    ("预计12月8日(周一)送达", {"date": "2025-12-08"}),
    ("预计周一 12月8日送达", {"date": "2025-12-08"}),
    ("Entrega GRATIS el miércoles, 10 de diciembre", {"date": "2025-12-10"}),
    ("Consegna GRATUITA mercoledì 10 dicembre", {"date": "2025-12-10"}),
    ("最短 12月5日(金) にお届け", {"date": "2025-12-05"}),
    ("Delivery by 5 Dec, Friday", {"date": "2025-12-05"}),
])
def test_a_weekday_dates_itself_without_a_capture_date(extraction_day, text, params) -> None:
    """With no capture date, "Mon, Dec 8" takes the year nearest the day of extraction in
    which 8 December is a Monday, and says so in a note."""
    extraction_day(date(2026, 12, 2))
    [p] = [p for p in find_promises(text) if p["code"] == "delivery_promise"]
    assert p["params"] == params and "read from the weekday" in p["note"]


def test_a_weekday_year_is_a_guess_that_a_capture_date_overrides(extraction_day) -> None:
    extraction_day(date(2029, 6, 2))  # 8 December is a Monday in 2025 and in 2031
    [p] = find_promises("Arrives by Mon, Dec 8")
    assert p["params"] == {"date": "2031-12-08"}
    [p] = find_promises("Arrives by Mon, Dec 8", captured_at="2025-12-02T18:00:00Z")
    assert p["params"] == {"date": "2025-12-08"} and "note" not in p
    [p] = find_promises("Arrives by Dec 8")  # no weekday: no year
    assert p["params"] == {"date": "--12-08"}
    assert promise_dates.weekday_of("Mar 12") is None  # March, not mardi


@pytest.mark.parametrize("text,code,params", [
    ("【预售】颜色分类 付款后15天内发货", "presale", {"days": 15}),
    ("预售 付款后15天内发货 介意勿拍 无", "presale", {"days": 15}),  # 无 ends the text, not 无预售
    ("定金￥50 尾款￥149\n预计12月20日前发货", "presale", {"date_to": "2026-12-20"}),
    ("预售商品 发货时间：付款后15天内", "presale", {"days": 15}),
    ("预订款 15个工作日内发货", "presale", {"business_days": 15}),
    ("付款后15天内发货", "ship_within", {"hours": 360}),
    ("预计12月20日前发货", "ship_within", {"date_to": "2026-12-20"}),
    ("12月20日发货", "ship_within", {"date": "2026-12-20"}),
    ("非预售商品，付款后15天内发货", "ship_within", {"hours": 360}),
    ("【预售】奶白色\n【现货】燕麦色 付款后48小时内发货", "ship_within", {"hours": 48}),
    ("预售\n" + "商品参数说明。" * 50 + "\n付款后15天内发货", "ship_within", {"hours": 360}),
    ("12月20日开始发货", "presale", {"date_from": "2026-12-20"}),
    ("1月25号-1月31号发货", "presale", {"date_from": "2027-01-25", "date_to": "2027-01-31"}),
])
def test_a_ship_by_wording_is_a_presale_near_a_presale_marker(text, code, params) -> None:
    """付款后15天内发货 and 12月20日前发货 are the presale's terms where 预售, 定金, 尾款 or
    预订 stands within 300 characters, ship_within elsewhere; 48小时 is never a presale."""
    found = [(p["code"], p["params"]) for p in find_promises(text, captured_at="2026-12-02")]
    assert found == [(code, params)]


def test_resolve_keeps_a_presale_read_from_a_ship_by_wording() -> None:
    [p] = find_promises("预售 12月20日前发货")
    assert (p["code"], p["params"]) == ("presale", {"date_to": "--12-20"})
    [again] = resolve([p], "2026-12-02T04:00:00Z")
    assert (again["code"], again["params"]) == ("presale", {"date_to": "2026-12-20"})


def test_the_listing_takes_its_capture_date() -> None:
    from agent.offline import extract_file
    from agent.records import build_record

    page = CORPUS / "etsy.html"
    html = page.read_bytes()
    dated = {"date_from": "2025-12-08", "date_to": "2025-12-12"}
    record = extract_listing(html, "https://www.etsy.com/listing/1", captured_at="2025-12-02")
    assert dated in [p["params"] for p in record["promises"]]
    undated = extract_listing(html, "https://www.etsy.com/listing/1")
    assert {"date_from": "--12-08", "date_to": "--12-12"} in [
        p["params"] for p in undated["promises"]]
    # the capture pipeline's record and `jianyipai extract --captured-at`
    captured = build_record("listing", html.decode("utf-8"), "https://www.etsy.com/listing/1",
                            status=200, title="", captured_at=datetime(2025, 12, 2, 18, tzinfo=UTC))
    assert dated in [p["params"] for p in captured["promises"]]
    offline, error = extract_file(page, None, captured_at="2025-12-02T18:00:00Z")
    assert error is None and dated in [p["params"] for p in offline["promises"]]
    assert extract_file(page, None, captured_at="last tuesday")[0] is None


def test_extract_command_takes_captured_at() -> None:
    from tests.conftest import run_cli

    result = run_cli("extract", str(CORPUS / "etsy.html"), "--json",
                     "--captured-at", "2025-12-02T18:00:00Z")
    assert result.code == 0, result.err
    [line] = result.json_lines()
    assert {"date_from": "2025-12-08", "date_to": "2025-12-12"} in [
        p["params"] for p in line["promises"]]
    assert "--captured-at" in run_cli("extract", "--help").out


def test_lunar_dates_and_festivals() -> None:
    [p] = find_promises("正月初十-元宵节发货", captured_at="2026-12-02T04:00:00Z")
    assert (p["code"], p["params"]) == ("presale", {"date_from": "2027-02-15",
                                                    "date_to": "2027-02-20"})
    [p] = find_promises("春节后发货", captured_at="2026-12-02")
    assert p["params"] == {"date_from": "2027-02-06"}
    [p] = find_promises("正月初十-元宵节发货")  # kept as text, with a note
    assert p["params"] == {} and "lunar" in p["note"] and p["text"] == "正月初十-元宵节发货"


def test_resolve_reads_a_record_again_with_its_capture_date() -> None:
    found = find_promises("预售 1月25号-1月31号发货 · 7天无理由退货")
    assert found[0]["params"] == {"date_from": "--01-25", "date_to": "--01-31"}
    again = resolve(found, "2026-12-02T04:00:00Z")
    assert again[0]["params"] == {"date_from": "2027-01-25", "date_to": "2027-01-31"}
    assert "note" not in again[0] and again[1] == found[1]


def test_platform_footer_promises_keep_their_scope() -> None:
    footer = ("商品介绍\n" + "这款鼠标手感很好。\n" * 40 + "7天无理由退货\n" + "参数说明。\n" * 80
              + "购物指南\n购物流程\n配送方式\n上门自提\n211限时达\n支付方式\n货到付款\n"
              "售后服务\n价格保护")
    found = {p["code"]: p.get("scope") for p in find_promises(footer)}
    assert found == {"return_no_reason": None, "store_pickup": "platform",
                     "delivery_promise": "platform", "cash_on_delivery": "platform",
                     "price_protection": "platform"}


def test_structured_return_fees_and_delivery_times() -> None:
    node = {"offers": {"hasMerchantReturnPolicy": {
        "returnPolicyCategory": "https://schema.org/MerchantReturnFiniteReturnWindow",
        "merchantReturnDays": 14, "returnFees": "https://schema.org/ReturnFeesCustomerResponsibility"},
        "shippingDetails": {"shippingRate": {"value": 0}, "deliveryTime": {
            "handlingTime": {"minValue": 0, "maxValue": 1, "unitCode": "DAY"},
            "transitTime": {"minValue": 1, "maxValue": 3, "unitCode": "DAY"}}}}}
    got = [(p["code"], p["params"]) for p in structured_promises([node])]
    assert got == [("return_no_reason", {"days": 14, "return_shipping": "buyer"}),
                   ("free_shipping", {}), ("ship_within", {"business_days": 1}),
                   ("delivery_promise", {"business_days": 4})]


def _every_pattern_everywhere(scan, low):
    return {i: [(0, len(low))] for i in range(len(scan.patterns))}


def test_triggers_lose_nothing_against_a_full_scan(monkeypatch) -> None:
    """Each pattern runs only near its `near` words: on every corpus page and wording
    here, running every pattern over the whole text finds exactly the same."""
    from extractors.decode import decode_html
    from extractors.html import parse_page, visible_lines

    texts = ["\n".join(visible_lines(parse_page(decode_html(html).text)[0]))
             for _name, html, _label in promise_corpus.cases()]
    texts += [p[0] for p in test_taxonomy_grows_to_real_listings.pytestmark[0].args[1]]
    fast = [find_promises(t, captured_at="2026-12-02") for t in texts]
    monkeypatch.setattr(promises_mod, "_ranges", _every_pattern_everywhere)
    assert [find_promises(t, captured_at="2026-12-02") for t in texts] == fast


def test_a_carousel_of_repeats_is_read_once_per_wording() -> None:
    tiles = "\n".join(f"Widget {i} with a long name${i}.99Free shipping{i} sold"
                       for i in range(3000))
    found = find_promises("30 days returns\n" + tiles + "\n不支持7天无理由退货")
    assert [(p["code"], p["text"]) for p in found] == [
        ("return_no_reason", "30 days returns"), ("free_shipping", "Free shipping")]


@pytest.mark.parametrize("name", [name for name, _html, _label in promise_corpus.cases()])
def test_labelled_corpus(name: str) -> None:
    [(html, label)] = [(h, lab) for n, h, lab in promise_corpus.cases() if n == name]
    result = promise_corpus.check(name, html, label)
    assert not result.missed and not result.extra, (result.missed, [
        (p["code"], p["params"], p["text"]) for p in result.extra])


def test_corpus_score_for_the_bench() -> None:
    found, labelled = promise_corpus.score()
    assert labelled >= 270 and found == labelled
    assert len(promise_corpus.cases()) >= 65


def test_every_pattern_lets_the_engine_skip_ahead() -> None:
    """A pattern that starts with an optional part or a lookbehind is tried at every
    position of a page: each starts with a literal, one class, or literal alternatives
    (CPython's own test for a prefix it can search for), except the presale ones that
    start with a Chinese date and wake only on specific triggers."""
    parser = pytest.importorskip("re._parser")
    compiler = pytest.importorskip("re._compiler")
    slow = []
    for p in promises_mod.scanner().patterns:
        tree = parser.parse(p.regex.pattern, p.regex.flags)
        prefix = compiler._get_literal_prefix(tree, tree.state.flags)[0]
        if not (prefix or compiler._get_charset_prefix(tree, tree.state.flags)
                or p.starts_anywhere):
            slow.append(p.regex.pattern[:60])
    assert slow == []


def test_without_the_automaton_each_trigger_is_looked_up(monkeypatch) -> None:
    scan = promises_mod.scanner()
    text = "\n".join(p[0] for p in test_taxonomy_grows_to_real_listings.pytestmark[0].args[1])
    fast = find_promises(text)
    monkeypatch.setattr(promises_mod, "scanner", lambda: promises_mod._Scanner(
        scan.patterns, scan.anchors, scan.by_anchor, None))
    assert find_promises(text) == fast and len(fast) > 50
