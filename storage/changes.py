"""What changed, in words: each change of a diff as one ``{zh, en}`` phrase.

``change_phrases(diff)`` reads the dict of :func:`storage.diff.diff_facts` (or
``diff_records``) and says each change the way a person would: ``价格 199.00 → 249.00`` /
``price 199.00 → 249.00``; ``删除承诺：7天无理由退货`` / ``promise removed: 7天无理由退货``.
The timeline (CLI ``history``), the viewer and the complaint read these, so a change
reads the same everywhere. Long values are shortened here; the diff keeps them whole.
Verbatim page wording (a promise, a claim, a title) is quoted as the page had it in both
languages.
"""
from __future__ import annotations

from typing import Any

SHORT = 40  # characters of one value shown in a phrase

# field -> (Chinese, English) name
FIELD_WORDS: dict[str, tuple[str, str]] = {
    "title": ("标题", "title"), "price": ("价格", "price"),
    "original_price": ("原价", "original price"), "price_range": ("价格区间", "price range"),
    "availability": ("库存状态", "availability"), "stock_count": ("库存数量", "stock count"),
    "seller": ("卖家", "seller"), "sku": ("SKU", "SKU"), "shipping": ("运费", "shipping"),
    "rating": ("评分", "rating"), "review_count": ("评价数", "reviews"),
    "status": ("HTTP 状态", "HTTP status"),
}
# schema.org availability names as Chinese shops say them
AVAILABILITY_ZH = {
    "InStock": "有货", "OutOfStock": "缺货", "SoldOut": "售罄", "LimitedAvailability": "库存紧张",
    "PreOrder": "预售", "PreSale": "预售", "BackOrder": "待补货", "Discontinued": "已停售",
    "OnlineOnly": "仅限网店", "InStoreOnly": "仅限门店", "MadeToOrder": "定制", "Reserved": "已预订",
}
NONE_WORDS = ("无", "none")
FIRST_FIELDS = ("removed", "price", "original_price", "price_range", "availability")
COUNTDOWN_WORDS = {"end": ("促销结束倒计时", "a countdown to the end of a promotion"),
                   "start": ("开抢倒计时", "a countdown to the start of a sale")}


def shorten(value: Any, limit: int = SHORT) -> str:
    """One line of at most ``limit`` characters, an ellipsis where it was cut."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def change_phrases(diff: dict[str, Any]) -> list[dict[str, str]]:
    """The changes of ``diff`` as ``[{zh, en}]``, what a buyer weighs first: the listing
    gone or back, prices and stock, promises, claims, anomalies, then the other fields
    (title, seller, …), so that a list cut short keeps the ones that matter."""
    fields = diff.get("fields") or []
    out = [_field(f) for f in fields if f.get("field") in FIRST_FIELDS]
    p = diff.get("promises") or {}
    out += [_said("删除承诺", "promise removed", x) for x in p.get("removed") or []]
    out += [_said("新增承诺", "promise added", x) for x in p.get("added") or []]
    out += [_reworded("承诺改写", "promise reworded", x) for x in p.get("reworded") or []]
    c = diff.get("claims") or {}
    out += [_said("删除广告用语", "claim removed", x) for x in c.get("removed") or []]
    out += [_said("新增广告用语", "claim added", x) for x in c.get("added") or []]
    out += [_reworded("广告用语改写", "claim reworded", x) for x in c.get("reworded") or []]
    a = diff.get("anomalies") or {}
    out += [_anomaly("新出现异常提示", "anomaly appeared", x) for x in a.get("added") or []]
    out += [_anomaly("不再提示异常", "anomaly no longer flagged", x) for x in a.get("removed") or []]
    return out + [_field(f) for f in fields if f.get("field") not in FIRST_FIELDS]


def _pair(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def _field(change: dict[str, Any]) -> dict[str, str]:
    name, old, new = change.get("field"), change.get("old"), change.get("new")
    if name == "removed":
        return (_pair("页面显示商品已下架", "the page says the listing is gone") if new
                else _pair("商品重新上架", "the listing is back"))
    if name == "countdown":
        if not new:
            return _pair("促销倒计时消失", "the countdown is gone")
        zh, en = COUNTDOWN_WORDS.get(str(new), (f"倒计时（{new}）", f"a countdown ({new})"))
        return _pair(f"出现{zh}", f"{en} appeared")
    zh_name, en_name = FIELD_WORDS.get(str(name), (str(name), str(name)))
    if name in ("price", "original_price", "price_range"):
        old, new = _same_currency(old, new)
    if name == "availability":
        zh_old, zh_new = (AVAILABILITY_ZH.get(str(v), str(v)) if v is not None else None
                          for v in (old, new))
        return _pair(f"{zh_name} {_value(zh_old, 0)} → {_value(zh_new, 0)}",
                     f"{en_name} {_value(old, 1)} → {_value(new, 1)}")
    return _pair(f"{zh_name} {_value(old, 0)} → {_value(new, 0)}",
                 f"{en_name} {_value(old, 1)} → {_value(new, 1)}")


def _same_currency(old: Any, new: Any) -> tuple[Any, Any]:
    """"199.00 CNY" → "249.00 CNY" reads as 199.00 → 249.00; other currencies stay named."""
    if isinstance(old, str) and isinstance(new, str):
        a, b = old.rsplit(" ", 1), new.rsplit(" ", 1)
        if len(a) == len(b) == 2 and a[1] == b[1] and a[1].isalpha():
            return a[0], b[0]
    return old, new


def _value(value: Any, lang: int) -> str:
    return NONE_WORDS[lang] if value is None or value == "" else shorten(value, SHORT // 2)


def _said(zh: str, en: str, item: dict[str, Any]) -> dict[str, str]:
    text = shorten(item.get("text") or item.get("code") or "")
    return _pair(f"{zh}：{text}", f"{en}: {text}")


def _reworded(zh: str, en: str, item: dict[str, Any]) -> dict[str, str]:
    old = shorten((item.get("old") or {}).get("text") or "", SHORT // 2)
    new = shorten((item.get("new") or {}).get("text") or "", SHORT // 2)
    return _pair(f"{zh}：{old} → {new}", f"{en}: {old} → {new}")


def _anomaly(zh: str, en: str, item: dict[str, Any]) -> dict[str, str]:
    text = item.get("text") if isinstance(item.get("text"), dict) else {}
    code = str(item.get("code") or "")
    zh_text = shorten(text.get("zh") or code)
    en_text = shorten(text.get("en") or code)
    return _pair(f"{zh}：{zh_text}", f"{en}: {code}: {en_text}" if en_text != code else f"{en}: {code}")
