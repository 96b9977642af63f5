"""Which site a URL belongs to, and which currency its bare prices are in."""

from __future__ import annotations

from urllib.parse import urlsplit

# Registrable-domain suffix -> site code. Profiles may name more sites (see profiles/).
SITE_CODES: dict[str, str] = {
    "taobao.com": "taobao", "tmall.com": "tmall", "tmall.hk": "tmall", "jd.com": "jd",
    "jd.hk": "jd", "yangkeduo.com": "pinduoduo", "pinduoduo.com": "pinduoduo",
    "1688.com": "1688", "vip.com": "vip", "suning.com": "suning", "jinritemai.com": "douyin",
    "douyin.com": "douyin", "kuaishou.com": "kuaishou", "xiaohongshu.com": "xiaohongshu",
    "dangdang.com": "dangdang", "aliexpress.com": "aliexpress", "ebay.com": "ebay",
    "etsy.com": "etsy", "walmart.com": "walmart", "myshopify.com": "shopify",
    "rakuten.co.jp": "rakuten", "temu.com": "temu", "shein.com": "shein",
}
#: Site code -> the names the site gives itself in page titles ("…黑色-唯品会").
SITE_NAMES: dict[str, tuple[str, ...]] = {
    "taobao": ("淘宝", "淘宝网"), "tmall": ("天猫", "天猫tmall"), "jd": ("京东", "京东商城"),
    "pinduoduo": ("拼多多",), "1688": ("阿里巴巴", "1688"), "vip": ("唯品会",),
    "suning": ("苏宁易购", "苏宁"), "douyin": ("抖音", "抖音商城"), "kuaishou": ("快手",),
    "xiaohongshu": ("小红书",), "dangdang": ("当当", "当当网"), "rakuten": ("楽天市場",),
}
_AMAZON_CURRENCY = {
    "com": "USD", "cn": "CNY", "co.jp": "JPY", "co.uk": "GBP", "de": "EUR", "fr": "EUR",
    "it": "EUR", "es": "EUR", "nl": "EUR", "ca": "CAD", "com.au": "AUD", "in": "INR",
    "sg": "SGD", "com.mx": "MXN", "com.br": "BRL", "pl": "PLN", "se": "SEK", "com.tr": "TRY",
    "com.be": "EUR", "ae": "AED", "sa": "SAR", "eg": "EGP",
}
_TLD_CURRENCY = {
    "cn": "CNY", "hk": "HKD", "tw": "TWD", "jp": "JPY", "uk": "GBP", "de": "EUR", "fr": "EUR",
    "it": "EUR", "es": "EUR", "nl": "EUR", "ie": "EUR", "at": "EUR", "be": "EUR",
    "ca": "CAD", "au": "AUD", "sg": "SGD", "us": "USD", "pt": "EUR", "fi": "EUR",
    "gr": "EUR", "sk": "EUR", "si": "EUR", "lt": "EUR", "lv": "EUR", "ee": "EUR", "hr": "EUR",
    "pl": "PLN", "cz": "CZK", "hu": "HUF", "ro": "RON", "bg": "BGN", "ru": "RUB", "ua": "UAH",
    "kz": "KZT", "by": "BYN", "se": "SEK", "dk": "DKK", "no": "NOK", "ch": "CHF", "kr": "KRW",
    "tr": "TRY", "br": "BRL", "ar": "ARS", "mx": "MXN", "cl": "CLP", "pe": "PEN", "in": "INR",
    "nz": "NZD", "za": "ZAR",
}
# The page's language with its region ("es-AR"), else the language alone ("pl"): the
# currency its bare prices and its "$" or "kr" are in.
_LANG_CURRENCY = {
    "es-ar": "ARS", "es-mx": "MXN", "es-cl": "CLP", "es-co": "COP", "es-pe": "PEN",
    "es-uy": "UYU", "pt-br": "BRL", "en-ca": "CAD", "fr-ca": "CAD", "en-au": "AUD",
    "en-nz": "NZD", "en-in": "INR", "en-sg": "SGD", "de-ch": "CHF", "fr-ch": "CHF",
    "it-ch": "CHF", "ko": "KRW", "pl": "PLN", "cs": "CZK", "hu": "HUF", "ro": "RON",
    "bg": "BGN", "ru": "RUB", "uk": "UAH", "kk": "KZT", "sv": "SEK", "da": "DKK", "nb": "NOK",
    "nn": "NOK", "no": "NOK", "tr": "TRY",
}
_CHINESE_SITES = {
    "taobao", "tmall", "jd", "pinduoduo", "1688", "vip", "suning", "douyin", "kuaishou",
    "xiaohongshu", "dangdang",
}


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def site_code(url: str | None) -> str | None:
    """``https://item.taobao.com/...`` -> ``taobao``; unknown hosts give the host itself."""
    host = host_of(url)
    if host is None:
        return None
    for suffix, code in SITE_CODES.items():
        if host == suffix or host.endswith("." + suffix):
            return code
    if ".amazon." in "." + host:
        return "amazon"
    return host


def default_currency(url: str | None, lang: str | None = None) -> str | None:
    """Currency implied by the site or the page language; None when nothing says."""
    host = host_of(url) or ""
    code = site_code(url)
    if code in _CHINESE_SITES:
        return "HKD" if host.endswith(".hk") and code != "tmall" else "CNY"
    if code == "amazon":
        suffix = host.split("amazon.", 1)[-1]
        return _AMAZON_CURRENCY.get(suffix, "USD")
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    if tld in _TLD_CURRENCY:
        return _TLD_CURRENCY[tld]
    lang = (lang or "").lower()
    if lang.startswith("en-gb"):
        return "GBP"
    if lang.startswith("en-us") or (lang == "en" and tld == "com"):
        return "USD"
    if lang.startswith("ja"):
        return "JPY"
    if lang.startswith(("zh-hk", "zh-tw", "zh-hant")):
        return None
    if lang.startswith("zh"):
        return "CNY"
    lang = lang.replace("_", "-")
    return _LANG_CURRENCY.get(lang[:5]) or _LANG_CURRENCY.get(lang.split("-", 1)[0])
