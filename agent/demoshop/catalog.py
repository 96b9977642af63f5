"""The demo shop's products as data: what each listing (and each version) says."""

from __future__ import annotations

from dataclasses import dataclass

from .layout import SHOP_NAME


@dataclass(frozen=True)
class Offer:
    """What listing 1001 shows in one version."""

    price: str
    original: str
    coupon: str
    promises: tuple[str, ...]
    claims: tuple[str, ...]


ITEM_1001_TITLE = "【官方旗舰店】某品牌 无线降噪蓝牙耳机 Pro 2代"
ITEM_1001_SKU = "100012345678"

_CLAIMS_V1 = (
    "全网最低价，错过今天再等一年！",
    "通过国家级品质检测，做工用料看得见。",
    "100%有效降噪，地铁、飞机一秒安静。",
)

ITEM_1001: dict[int, Offer] = {
    1: Offer(
        price="199.00",
        original="299.00",
        coupon="券后价 ¥179.00（满199减20）",
        promises=(
            "7天无理由退货",
            "假一赔十",
            "48小时发货",
            "运费险",
            "正品保证",
            "全国包邮",
            "价保30天",
        ),
        claims=_CLAIMS_V1,
    ),
    2: Offer(
        price="249.00",
        original="299.00",
        coupon="券后价 ¥229.00（满249减20）",
        promises=("7天无理由退货", "72小时发货", "运费险", "正品保证", "全国包邮", "价保30天"),
        claims=(*_CLAIMS_V1, "销量第一！连续三年蝉联天猫蓝牙耳机品类销量第一。"),
    ),
}

ITEM_1001_SPECS = (
    ("品牌", "某品牌"),
    ("型号", "Pro 2代 (MB-P2)"),
    ("蓝牙版本", "5.3"),
    ("降噪深度", "-45dB"),
    ("续航", "单次8小时，配合充电盒30小时"),
    ("防水等级", "IPX4"),
    ("商品编号", ITEM_1001_SKU),
)

# Listings whose content changes with set_version(); value = highest version.
VERSIONED_ITEMS: dict[str, int] = {"1001": 2, "price-was": 2}  # price-was: history_pages
VERSIONED_CHATS: dict[str, int] = {"s1": 2}

# Home page tiles: (url, title, price text, image).
PRODUCTS: tuple[tuple[str, str, str, str], ...] = (
    ("/item/1001", ITEM_1001_TITLE, "¥199.00", "/img/1001-main.png"),
    ("/item/1003", "【美白淡斑】某品牌 烟酰胺焕白精华液 30ml", "¥99-199", "/img/1003-main.svg"),
    ("/item/1002", "Ceramic Pour-Over Coffee Set", "$39.99", "/img/1002-main.svg"),
    ("/item/gbk", "老字号 手工红糖 500g（GBK 编码页面）", "¥59.00", "/img/gbk-main.svg"),
    ("/item/tall", "【超长详情页】某品牌 人体工学椅 M8", "¥1299.00", "/img/tall-main.svg"),
    ("/item/slow", "某品牌 智能手环 7（慢速页面）", "¥229.00", "/img/slow-main.svg"),
)

RECOMMENDATIONS: tuple[dict[str, str], ...] = (
    {
        "url": "/item/1003",
        "title": "烟酰胺焕白精华液 30ml",
        "price": "¥99.00",
        "img": "/img/reco-1.svg",
    },
    {
        "url": "/item/1002",
        "title": "Ceramic Pour-Over Coffee Set",
        "price": "$39.99",
        "img": "/img/reco-2.svg",
    },
    {"url": "/item/tall", "title": "人体工学椅 M8", "price": "¥1299.00", "img": "/img/reco-3.svg"},
    {
        "url": "/item/gbk",
        "title": "老字号 手工红糖 500g",
        "price": "¥59.00",
        "img": "/img/reco-4.svg",
    },
)


def price_json(item: str, version: int) -> dict[str, str]:
    """Body of ``/api/price/<item>``: what the listing's script writes into the page."""
    if item != "1001":
        raise KeyError(item)
    offer = ITEM_1001[version]
    return {
        "item": item,
        "symbol": "¥",
        "price": offer.price,
        "original": offer.original,
        "currency": "CNY",
        "coupon": offer.coupon,
        "seller": SHOP_NAME,
    }
