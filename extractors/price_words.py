"""What shops write next to an amount, and what it makes of the amount, in the languages
the extractor reads (zh, en, de, fr, it, es, pt, ru, pl, cs, hu, nl, nordic, ja, ko).

Each table is one fact: a wording, or a class-name word, that says an amount is the price
to pay now, a struck or list price, or some other figure (shipping, a saving, a monthly
instalment, a unit price, a converted amount, a price before VAT, a subscription price,
another seller's offer). Read by :mod:`extractors.shown_prices` on the text just before
(``label``) and just after (``after``) an amount.
"""

from __future__ import annotations

import re

_I = re.I

#: 券后价/到手价: what the buyer pays after coupons; beats every other label.
FINAL = re.compile(r"券后价?|到手价?|折后价|预估到手|领券后|用券后|final price|after coupon|"
                   r"price after|endpreis|prix final|prezzo finale|precio final", _I)
#: Labels of a promotional current price (促销价, "Sale price", Aktionspreis): they beat a
#: plain 价格/"Price" label, which then names the price before the promotion.
PROMO = re.compile(
    r"活动价|促销价|秒杀价|拼单价|拼团价|团购价|现价|特价|优惠价|淘宝价|限时价|折扣价|折后|"
    r"sale price|deal price|special price|offer price|\bnow\b|\bjetzt\b|\bnur\b|"
    r"aktionspreis|angebotspreis|sonderpreis|prix promo|prix soldé|prezzo scontato|"
    r"precio oferta|\boferta\b|цена со скидкой|cena promocyjna|akční cena|akciós ár|"
    r"tilbudspris|セール価格|特価|할인가|특가", _I)
#: Plain labels of the price.
PLAIN = re.compile(r"价格|售价|京东价|\bprice\b|preis|\bprix\b|prezzo|precio|preço|цена|"
                   r"\bcena\b|cijena|\bár\b|\bpris\b|hinta|fiyat|価格|税込|販売価格|판매가", _I)
SALE = re.compile(f"{PROMO.pattern}|{PLAIN.pattern}", _I)
#: Prices for members, card holders or new customers only: not what every buyer pays
#: (88VIP价, PLUS价, 超级VIP价, 黑卡价, "$22.99 with Prime", "57 990 ₽ с Ozon Картой",
#: Select-prijs, "IKEA Family price", Clubpreis, Mitgliederpreis, prix adhérent, "with
#: Walmart+"). Read on the words before and just after an amount.
MEMBER = re.compile(
    r"会员价|会员专享|会员到手|会员特价|plus\s*(?:会员)?价|plus会员|88\s*vip|超级\s*vip|"
    r"s?vip\s*(?:到手|专享)?价|黑卡|付费会员|粉丝价|新人价|新客价|首单|学生价|app\s*专享|"
    r"member(?:s|ship)?(?:'s|’s|')?\s*(?:price|pricing|deal|exclusive|only)|for members|"
    r"prime\s*(?:member\s*|exclusive\s*)?(?:price|exclusive|deal)|\bwith prime\b|"
    r"prime-?preis|mit prime|precio prime|con prime|prezzo prime|prix prime|avec prime|"
    r"プライム会員|"
    r"club\s*(?:price|preis|prijs|pris)|clubpreis|clubcard|(?:prix|prezzo|precio|cena)\s*club|"
    r"family[- ]?(?:price|preis|prijs|pris)|(?:prix|prezzo|precio|preço)\s*(?:ikea\s*)?family|"
    r"ikea family|select[- ]?(?:price|prijs|prix|preis)|\bmet select\b|"
    r"\bwith [\w.]{2,20}\+(?!\w)|walmart\+|"
    r"mitglieder|mitgliedspreis|für mitglieder|kundenkarte|"
    r"prix (?:adhérents?|membres?|fidélité|carte)|pour les (?:adhérents|membres)|"
    r"prezzo (?:soci|membri|riservato)|per i soci|prezzo fedeltà|"
    r"precio (?:socios?|miembros?|para socios)|para (?:socios|miembros)|ledenprijs|voor leden|"
    r"картой|по карте|с карт|для участников|для членов|"
    r"\bwith (?:the )?[\w ]{0,12}card\b|mit .{0,12}karte|avec (?:la )?carte|con (?:la )?tarjeta|"
    r"con (?:la )?carta|card price|cardholder|loyalty price|rewards? price", _I)
#: ... unless the words say it is the price for everyone else: "59 990 ₽ без Ozon Карты",
#: "without Ozon Card", 非会员价.
NOT_MEMBER = re.compile(r"\bwithout\b|\bбез\b|\bohne\b|\bsans\b|\bsenza\b|\bsin\b|"
                        r"non-?members?|nicht-?mitglied|非会员|非plus", _I)
#: Labels that name the price everyone pays beside a member price, and the former price
#: beside a sale price ("Regular price", обычная цена, Normalpreis).
REGULAR = re.compile(r"regular price|\breg\b|normal(?:er)? ?preis|normalpreis|regulärer preis|"
                     r"prix normal|prix habituel|prezzo normale|precio normal|preço normal|"
                     r"обычная цена|normalna cena|normální cena|非会员价|普通价", _I)
#: Labels of a list, struck or former price.
ORIGINAL = re.compile(
    r"原价|划线价|市场价|参考价|吊牌价|专柜价|指导价|零售价|门市价|单独购买|优惠前|日常价|"
    r"list price|\bwas\b|msrp|\brrp\b|typical price|retail price|regular price|\breg\b|"
    r"compare at|\buvp\b|\bstatt\b|streichpreis|ursprünglich|\bvorher\b|\bbisher\b|"
    r"originalpreis|\bfrüher\b|prix conseillé|prix barré|prix de référence|au lieu de|"
    r"\bavant\b|prezzo consigliato|prezzo di listino|invece di|precio anterior|\bantes\b|"
    r"precio de lista|старая цена|\bбыло\b|cena regularna|poprzednia cena|"
    r"cena katalogowa|původní cena|běžná cena|eredeti ár|normalpris|ord\.? ?pris|"
    r"ordinarie pris|定価|参考価格|通常価格|希望小売価格|정가|\bwar\b|normaler preis|"
    r"regulärer preis|normalpreis|prix normal|prix habituel|prezzo normale|precio normal|"
    r"preço normal|обычная цена|normalna cena|normální cena|"
    # the lowest price of the last 30 days, which EU shops must show beside a reduction
    r"lowest price (?:in|of|during) the (?:last|previous) 30|najniższa cena|"
    r"niedrigste[rn]? (?:gesamt)?preis|prix le plus bas|prezzo più basso|"
    r"precio más bajo|nejnižší cena|legalacsonyabb ár|laagste prijs", _I)
#: Labels of amounts that are not the product's price at all: shipping, savings, coupons,
#: deposits, instalments, points (read on the label's last clause).
NOT_PRICE = re.compile(
    r"运费|邮费|快递费|配送费|满\s*\d|减\s*$|优惠券|(?<!\d)\d+元券|券$|省|节省|立减|直降|定金|"
    r"尾款|每期|分期|/月|/期|红包|积分|返现|津贴|"
    r"shipping|delivery|postage|freight|handling|\bsave|savings|\boff\b|coupon|voucher|"
    r"per month|/mo\b|a month|monthly|deposit|cash ?back|reward|points|"
    r"versand|lieferung|porto|liefergebühr|sparen|ersparnis|gutschein|rabatt|monatlich|"
    r"/monat|finanzierung|\brate\b|anzahlung|"
    r"livraison|frais de port|économisez|economisez|remise|bon d'achat|par mois|/mois|"
    r"mensualit|spedizione|consegna|risparmi|sconto|buono|al mese|/mese|\brata\b|"
    r"envío|envio|entrega|ahorra|descuento|cupón|al mes|/mes\b|cuota|frete|economize|"
    r"desconto|parcela|por mês|доставк|экономи|скидк|купон|бонус|в месяц|/мес|рассрочк|"
    r"dostaw|oszczędz|\brabat\b|kupon|miesięcznie|doprava|poštovné|ušetří|sleva|měsíčně|"
    r"szállítás|megtakarítás|kedvezmény|havonta|\bfragt\b|\bfrakt\b|"
    r"配送料|送料|ポイント|割引|クーポン|月々|배송비|할인|쿠폰|적립|"
    # instalments: "or 4 interest-free payments of $5.00", "12x de R$ 49,90", "3 fois"
    r"payments? of|instal?lments? of|interest[- ]free|afterpay|klarna|affirm|sezzle|"
    r"\bpay in \d|\d+\s*[x×]\s*(?:de\s*)?$|\d+\s*(?:cuotas|parcelas|fois|rate|raten)\b", _I)
#: "Free shipping" names no amount: the amount after it is the price, unless the words
#: end in a threshold ("Free shipping on orders over $35", "满99包邮").
FREE_SHIPPING = re.compile(
    r"free (?:shipping|delivery|postage|returns)|kostenlose?r? (?:versand|lieferung)|"
    r"versandkostenfrei|gratis versand|livraison (?:gratuite|offerte)|spedizione gratuita|"
    r"envío gratis|frete grátis|бесплатная доставка|darmowa dostawa|doprava zdarma|"
    r"ingyenes szállítás|fri frakt|包邮|免运费|免邮|送料無料|무료배송", _I)
THRESHOLD = re.compile(r"(?:over|above|from|orders of|\bab|dès|à partir de|\bda|desde|"
                       r"\bот|\bod|满|以上)\s*$", _I)
#: What directly follows an amount that is not the price: "+ $12.00 Shipping", "4,95 €
#: Versand", "$5 off", "¥20券", "/月", "/ 100 g" (unit prices).
NOT_PRICE_AFTER = re.compile(
    r"\s*(?:[)）]\s*)?(?:券(?!后)|优惠(?!后|价)|运费|邮费|/\s*[月期]|每月|"
    r"shipping|delivery|postage|freight|\boff\b|per month|/\s*mo\b|a month|monthly|"
    r"versand|lieferung|porto|rabatt|monatlich|/\s*monat|livraison|de réduction|par mois|"
    r"/\s*mois|spedizione|di sconto|al mese|/\s*mese|envío|de descuento|al mes|/\s*mes\b|"
    r"доставк|скидк|в месяц|/\s*мес|dostaw|zniżk|doprava|sleva|szállítás|送料|割引|배송비|"
    r"(?:/|per|pro|je|par|al|a|за)\s?(?:1\s?|10\s?|100\s?)?(?:kg|g|l|ml|cl|m|m²|m2|qm|lb|oz|"
    r"fl\.? ?oz|count|ct|unit|stück|stk|pcs?|load|wash|sheet|roll)\b)", _I)
#: Labels of a unit price ("Grundpreis: 42,00 € / kg").
UNIT = re.compile(r"grundpreis|unit price|price per|preis pro|prix au|prix par|prezzo al|"
                  r"precio por|цена за|cena za|egységár|jednotková|enhetspris|単価", _I)
#: Just before an amount: an add-on ("+ $12.00") or a discount ("-€5", "−20 %").
ADD_ON = re.compile(r"(?:[+＋]|\bplus|zzgl\.?|\bzuzüglich)\s*$", _I)
DISCOUNT = re.compile(r"(?:^|[\s(（])[-−]$")
#: An amount converted into another currency for the reader: "Approx. EUR 14.43", "约¥93".
CONVERTED = re.compile(r"(?:approx\.?|approximately|\bca\.|circa|≈|约|大约|около|примерно|"
                       r"ungefähr|umgerechnet|environ|aprox\.?|aproximadamente|\bok\.|około|"
                       r"\bkb\.|\bcca\.?|converted|convert)\s*:?\s*$", _I)
#: Amounts before VAT or sales tax (the price is the one with VAT, when it is shown).
EXCL_VAT = re.compile(
    r"excl\.?\s*(?:vat|tax|gst|btw|mwst|iva)|excluding (?:vat|tax|gst)|\bex\.?\s*(?:vat|gst|"
    r"tax|btw|moms)\b|[+＋]\s*(?:vat|mwst|iva|tva)\b|plus vat|zzgl\.?\s*(?:mwst|ust|\d+\s*%)|"
    r"exkl\.?\s*(?:mwst|ust|moms)|ohne mwst|\bnetto|net price|\bht\b|hors tax|hors tva|"
    r"iva esclusa|iva escl|iva excluida|sin iva|s/iva|sem iva|bez dph|bez vat|без ндс|"
    r"exklusive|exclusief btw|ekskl|税抜|税別|本体価格|不含税|未税", _I)
EXCL_VAT_AFTER = re.compile(r"\s*[(（]?\s*(?:" + EXCL_VAT.pattern + ")", _I)
#: Subscribe-and-save prices: a repeat order, not the price of this purchase.
SUBSCRIBE = re.compile(r"subscri|abonn|\babo\b|spar-?abo|autoship|auto-ship|auto-replenish|"
                       r"repeat deliver|recurring|订阅|定期购|定期送|定期便|定期おトク便|"
                       r"подписк|prenumerat|předplat", _I)
#: Another seller's or another condition's offer: "Used from $9.99", "Other sellers from".
OTHER_OFFER = re.compile(
    r"(?:used|gebraucht|d'occasion|occasion|usato|usado|б/у|pre-owned|refurbished|renewed|"
    r"reconditionné|generalüberholt|二手)\b.{0,20}(?:from|ab|dès|à partir de|da|desde|от)\b|"
    r"(?:other|more) (?:sellers|buying choices|offers)|new & used|new from|neu ab|"
    r"andere verkäufer|weitere angebote|autres vendeurs|altri venditori|otros vendedores|"
    r"buying choices|\(\d+\)\s*(?:from|ab|dès|da|desde)\b|其他卖家|更多卖家|其他商家", _I)

# -- class and id words ----------------------------------------------------------------
#: A struck or former price.
STRUCK_CLASS = re.compile(
    r"line-?through|strike|\bdel\b|crossed|cross-?out|old-?price|price-*old|price--was|"
    r"was-?price|price-?was|\bwas\b|origin|list-?price|compare-?at|compare-?price|"
    r"before-?price|price-?before|\brrp\b|\bmsrp\b|\buvp\b|streich|barr[eé]|prev-?price|"
    r"previous-?price|initial-?price|former|market|line-?price|a-text-price|oldprice|"
    r"regular-price-old|price-?del\b|del-?price|deleted", _I)
#: Price-bearing elements (a small bonus: the page styles them as prices).
PRICE_CLASS = re.compile(r"price|jiage|money|amount|preis|prix|prezzo|precio|cena|цен", _I)
#: Variant pickers: a swatch's price is that variant's, not the selected one's.
VARIANT_CLASS = re.compile(r"swatch|variant|variation|sku-?item|option-?(?:item|value)|"
                           r"twister|size-?btn|color-?btn|colour-?btn", _I)
SELECTED_CLASS = re.compile(r"selected|\bactive\b|is-active|checked|current|\bon\b", _I)
#: Class words of member, club and card prices (JD's ``p-price-plus``, ``svip-price``).
MEMBER_CLASS = re.compile(r"(?<!non)(?<!non-)member|svip|88-?vip|vip-?price|price-?vip|"
                          r"plus-?price|price-?plus|club-?price|family-?price|price-?family|"
                          r"loyalty|card-?price|prime-?price|black-?card", _I)
#: Class words of converted, before-VAT and subscription prices.
CONVERTED_CLASS = re.compile(r"conver|approx", _I)
EXCL_VAT_CLASS = re.compile(r"excl|excluding|netto|net-?price|price-?net|without-?tax|"
                            r"tax-?free-?price", _I)
SUBSCRIBE_CLASS = re.compile(r"subscri|autoship|recurring|repeat-?deliver", _I)
#: Buttons that buy this product (a block holding them is the product's own).
BUY_CONTROL = re.compile(
    r"add to (?:cart|bag|basket|trolley)|buy (?:it )?now|加入购物车|立即购买|立即抢购|马上抢|"
    r"我想要|去购买|领券购买|in den (?:warenkorb|einkaufswagen)|jetzt kaufen|sofort kaufen|"
    r"ajouter au panier|acheter|aggiungi al carrello|compra ora|añadir al carrito|"
    r"agregar al carrito|comprar|в корзину|купить|do koszyka|kup teraz|do košíku|koupit|"
    r"kosárba|lägg i varukorg|köp nu|læg i kurv|legg i handlekurv|カートに入れる|今すぐ買う|"
    r"장바구니|구매하기", _I)
#: The buy box: never a block of other products, whatever else its classes say.
BUY_BOX_CLASS = re.compile(r"buy-?box|cart-?box|buy-?area|purchase-?(?:box|area)|"
                           r"product-?form|add-?to-?cart-?(?:form|box|area)", _I)
