"""Seller promises found in text: 7天无理由退货, 假一赔十, 满39免运费, "Free returns"...

The patterns live in ``promises.toml`` next to this module. A promise is
``{code, text, params, source}`` where ``text`` is the wording exactly as found, plus
``scope: "platform"`` when it stands in the shop's site-wide service list (the footer of
every JD page says 货到付款 and 正品行货) and ``note`` when a date could not be resolved or
its year was read from its weekday. A ship-by wording (付款后15天内发货, 12月20日前发货) is
``ship_within``, or ``presale`` where 预售/定金/尾款/预订 stands within 300 characters.

Speed: the text is lower-cased and scanned once, in Rust (``ahocorasick_rs``), for every
pattern's trigger words (``near`` in the TOML); each pattern then runs only on the stretches
around its own triggers, starting with something the regex engine searches for, and a
wording already given as a promise (a carousel's 2,500 "Free shipping") is not read again.
Only a pattern that writes ``\\n`` (a spec table's label and value cells) matches across a
line break. About 4 ms on a 1.7 MB page, linear on any input.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from .data import load_toml
from .numerals import to_int
from .promise_dates import DATE, LUNAR, NAMED_DATE, RELATIVE_DAYS, ZH_WHEN, capture_day, date_params

try:  # a maintained Rust Aho-Corasick; without it each trigger is looked up with str.find
    import ahocorasick_rs
except ImportError:  # pragma: no cover - the dependency is declared in pyproject.toml
    ahocorasick_rs = None

CODES = (
    "return_no_reason", "return_policy", "shipping_insurance", "fast_refund",
    "genuine_guarantee", "counterfeit_compensation", "price_protection", "free_shipping",
    "ship_within", "presale", "delivery_promise", "warranty", "official_authorization",
    "invoice", "cash_on_delivery", "onsite_service", "money_back_guarantee",
    "import_charges_included", "store_pickup", "home_delivery", "damage_compensation",
)
_NEGATION = re.compile(
    r"(?:不|非|无|無|没有|不支持|不提供|不参与|暂不|不享|不可|超过|超出|已过|过了)\s*$|"
    r"\b(?:no|not|non|without|excludes?|kein(?:e[nrs]?)?|ohne|nicht|pas\s+de|sans|aucune?|"
    r"senza|sin|bez|brak|nie|без|нет|не|geen|niet|zonder|sem|não|nao|không|chưa)"
    r"[- ]+(?:\w+[- ]+){0,2}$")
#: a negation right after the wording: 7天无理由退货（不支持）, "Free returns not available"
_NEGATED_AFTER = re.compile(
    r"[\s:：(（]*(?:(?:不支持|暂不支持|不可用|不提供|不参与)(?=$|[\s,，。;；)）])|"
    r"(?:is\s+|are\s+)?(?:not\s+(?:available|accepted|eligible|offered|possible|supported)|"
    r"unavailable)\b|non\s+(?:disponible|accept[ée]e?s?|propos[ée]e?s?)|indisponible|"
    r"ausgeschlossen|nicht\s+(?:möglich|verfügbar|angeboten)|non\s+(?:è\s+)?disponibile|"
    r"non\s+(?:previst|ammess|consentit)|no\s+(?:disponible|aplica|admite)|"
    r"niet\s+(?:mogelijk|beschikbaar|van\s+toepassing)|não\s+(?:disponível|aceit|se\s+aplica)|"
    r"indisponível|niedostępn|niemożliw|nie\s+dotyczy|недоступ(?:ен|н)|не\s+доступ(?:ен|н)|"
    r"невозмож(?:ен|н)|не\s+(?:предусмотрен|принима|возвраща)|"
    r"không\s+(?:áp\s+dụng|hỗ\s+trợ|được)|対象外|(?:は|が)\s*(?:ご)?(?:利用|対応)?(?:でき|いただけ)ません|"
    r"(?:は|が)\s*不可|불가|제외|"
    # a spec row answered no: "Envío gratis: No", "Kostenloser Versand: nein"
    r"(?:no|nein|non|nee|não|nie|нет)(?=\s*(?:$|\x00|[.,;])))")
#: headings of a site-wide service directory (a shop footer), two of them near a promise
_PLATFORM = re.compile(
    r"购物指南|配送方式|支付方式|售后服务|特色服务|帮助中心|新手上路|关于我们|联系我们|商家服务|"
    r"隐私政策|customer service|help & contact|help cent(?:er|re)|about us|contact us|"
    r"service client|aide et contact|kundenservice|über uns|hilfe & kontakt|privacy policy|"
    r"privacy notice|terms of use|terms (?:&|and) conditions|conditions of use|impressum|"
    r"datenschutz|mentions légales|conditions générales")
_CJK = re.compile(r"[\u3400-\u9fff]")
_PAYERS = {
    "buyer": "buyer", "buyers": "buyer", "customer": "buyer", "you": "buyer", "käufer": "buyer",
    "kunde": "buyer", "acheteur": "buyer", "client": "buyer", "买家": "buyer", "顾客": "buyer",
    "seller": "seller", "sellers": "seller", "verkäufer": "seller", "vendeur": "seller",
    "卖家": "seller", "商家": "seller", "free": "free", "免费": "free", "gratis": "free",
    "grátis": "free", "gratuita": "free", "gratuito": "free", "miễn phí": "free",
}
_PAYER_STEMS = (("kostenlos", "free"), ("gratuit", "free"), ("offert", "free"),
                ("sans frais", "free"))
_CURRENCIES = {
    "¥": "CNY", "￥": "CNY", "元": "CNY", "块": "CNY", "rmb": "CNY", "$": "USD", "us$": "USD",
    "us $": "USD", "usd": "USD", "c$": "CAD", "ca$": "CAD", "a$": "AUD", "au$": "AUD",
    "hk$": "HKD", "nz$": "NZD", "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "gbp": "GBP", "chf": "CHF", "r$": "BRL", "brl": "BRL", "rm": "MYR",
    "myr": "MYR", "₹": "INR", "rs.": "INR", "rs": "INR", "inr": "INR", "zł": "PLN",
    "pln": "PLN", "₽": "RUB", "руб": "RUB", "руб.": "RUB", "₫": "VND", "đ": "VND",
    "vnđ": "VND", "vnd": "VND", "円": "JPY", "원": "KRW", "₩": "KRW", "kč": "CZK",
}
_SYMBOL = r"us\s?\$|au\$|a\$|ca\$|c\$|hk\$|nz\$|r\$|rm(?=\s?\d)|rs\.?(?=\s?\d)|[¥￥$€£₹₽₫₩]"
_CODE = (r"元|块|円|원|€|eur(?:os?)?\b|£|\$|usd\b|gbp\b|chf\b|zł|pln\b|₽|руб\.?|₫|vnđ|đ(?!\w)|"
         r"vnd\b|kč")
_FIGURE = r"(?<![\d.,])\d+(?:[.,]\d{3})*(?:[.,]\d{1,2})?(?![\d])"
#: a threshold amount, its currency before or after and optional (满39, ¥39, 39元)...
AMOUNT = (rf"(?:(?P<cur{{k}}1>{_SYMBOL})\s*)?(?P<threshold{{k}}1>{_FIGURE})"
          rf"(?:\s*(?P<cur{{k}}2>{_CODE}))?")
#: ... or required ($35, 25 €, 29,00 EUR): "free shipping on 2+ items" has no threshold
MONEY = (rf"(?:(?P<cur{{k}}1>{_SYMBOL})\s*(?P<threshold{{k}}1>{_FIGURE})|"
         rf"(?P<threshold{{k}}2>{_FIGURE})\s*(?P<cur{{k}}2>{_CODE}))")
_ZH = "零〇一二两兩三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟"
#: a number where its run starts: numerals.NUMBER's language, written to begin with one
#: character class (the regex engine then skips to candidates instead of trying each
#: position); the lookbehinds come after the first character
_NUMBER = (rf"(?:[\d{_ZH}](?<![\d][\d])(?<![{_ZH}][{_ZH}])"
           rf"(?:(?<=\d)\d*(?:\.\d+)?|(?<=[{_ZH}])[{_ZH}]*))")
_DIGITS = r"(?:\d(?<!\d\d)\d*)"
_MACROS = {"{N}": _NUMBER, "{D}": _DIGITS, "{DATE}": DATE, "{NAMED_DATE}": NAMED_DATE,
           "{LUNAR}": LUNAR,
           "{ZHWHEN}": ZH_WHEN}
#: {AMOUNT} and {MONEY} name groups; {AMOUNT2}, {MONEY3}... keep the names apart
_NAMED_MACRO = re.compile(r"\{(AMOUNT|MONEY)(\d*)\}")
#: named groups that are integers, and the unit some of them are turned into
_SCALE = {"years": ("months", 12), "ship_days": ("hours", 24)}
_INTS = {"days", "hours", "multiple", "months", "years", "ship_days", "business_days",
         "exchange_days", "min_items", "percent", "both_days"}
#: a group whose number is two params: "Returns & exchanges accepted within 30 days"
_BOTH = {"both_days": ("days", "exchange_days")}
_DATES = {"date", "date_from", "date_to", "day_to"}
_KEYS = {"code", "re", "near", "params", "day_first", "starts_anywhere", "presale_near"}
#: words of a presale page (预售, 定金 deposit, 尾款 balance); 非预售 is not one
_PRESALE_MARKERS = ("预售", "預售", "定金", "尾款", "预订", "預訂")
_NOT_PRESALE = ("非", "无", "無", "不是")
#: how far from a ship-by wording (付款后15天内发货, 12月20日前发货) a marker makes it a presale
_PRESALE_REACH = 300
#: how far around a trigger its patterns are run (no wording is longer)
_AROUND = 160


@dataclass(frozen=True)
class _Pattern:
    code: str
    regex: re.Pattern[str]
    params: tuple[tuple[str, Any], ...]
    day_first: bool
    starts_anywhere: bool = False
    presale_near: bool = False


@dataclass(frozen=True)
class _Scanner:
    patterns: tuple[_Pattern, ...]
    anchors: tuple[str, ...]
    by_anchor: tuple[frozenset[int], ...]
    automaton: Any

    def hits(self, low: str) -> list[tuple[int, int, int]]:
        """(anchor index, start, end) of every trigger, in order of their ends."""
        if self.automaton is not None:
            return self.automaton.find_matches_as_indexes(low, overlapping=True)
        found = []
        for i, word in enumerate(self.anchors):
            at = low.find(word)
            while at >= 0:
                found.append((i, at, at + len(word)))
                at = low.find(word, at + 1)
        found.sort(key=lambda h: h[2])
        return found


def _compile(source: str) -> re.Pattern[str]:
    """A pattern of the TOML, macros expanded, to run on :func:`_lower` text: case is
    folded in the text, not the regex, so that a leading literal is searched fast."""
    for macro, fragment in _MACROS.items():
        source = source.replace(macro, fragment)
    source = _NAMED_MACRO.sub(lambda m: (AMOUNT if m[1] == "AMOUNT" else MONEY).replace(
        "{k}", m[2]), source).replace("\\n", "\\x00")
    if re.search(r"[A-Z]", re.sub(r"\\[A-Z]|\(\?P[<=]", "", source)):
        raise ValueError(f"promises.toml: patterns are lower case: {source[:60]!r}")
    return re.compile(source)


@lru_cache(maxsize=1)
def scanner() -> _Scanner:
    """The patterns of ``promises.toml`` and the trigger automaton (built once)."""
    out: list[_Pattern] = []
    anchors: dict[str, set[int]] = {}
    for item in load_toml("promises.toml")["pattern"]:
        unknown = set(item) - _KEYS
        if unknown or item.get("code") not in CODES or not item.get("near"):
            raise ValueError(f"promises.toml: bad pattern {item.get('re')!r} "
                             f"(code {item.get('code')!r}, unknown keys {sorted(unknown)})")
        for word in item["near"]:
            if word != word.lower():
                raise ValueError(f"promises.toml: trigger {word!r} must be lower case")
            anchors.setdefault(word, set()).add(len(out))
        out.append(_Pattern(item["code"], _compile(item["re"]),
                            tuple(item.get("params", {}).items()), item.get("day_first", False),
                            item.get("starts_anywhere", False), item.get("presale_near", False)))
    words = tuple(anchors)
    automaton = ahocorasick_rs.AhoCorasick(list(words)) if ahocorasick_rs else None
    return _Scanner(tuple(out), words, tuple(frozenset(anchors[w]) for w in words), automaton)


def patterns() -> tuple[_Pattern, ...]:
    return scanner().patterns


def _amount(raw: str) -> int | float | None:
    head, sep, tail = raw.replace(",", ".").rpartition(".")
    if sep and len(tail) <= 2:
        value = float(head.replace(".", "") + "." + tail)
    else:
        value = float(raw.replace(",", "").replace(".", ""))
    if not 0 < value <= 1e7:
        return None
    return int(value) if value == int(value) else value


def _payer(raw: str) -> str | None:
    word = raw.strip().lower()
    return _PAYERS.get(word) or next((v for stem, v in _PAYER_STEMS if word.startswith(stem)), None)


def _params(pattern: _Pattern, match: re.Match[str], captured_at: Any
            ) -> tuple[dict[str, Any], list[str]] | None:
    params: dict[str, Any] = dict(pattern.params)
    dates: dict[str, str] = {}
    currency = None
    for name, raw in match.groupdict().items():
        if raw is None:
            continue
        base = name.rstrip("0123456789")
        if base in _DATES:
            dates[base] = raw
        elif base == "payer":
            if who := _payer(raw):
                params["return_shipping"] = who
        elif base == "cur":
            currency = _CURRENCIES.get(re.sub(r"\s+", " ", raw.lower()))
        elif base == "threshold":
            amount = _amount(raw)
            if amount is None:
                return None
            params["threshold"] = amount
        elif base == "rel":  # 今天/明天/tomorrow: days ahead, and the day itself if known
            params["days"] = RELATIVE_DAYS.get(raw.lower(), 0)
            dates.setdefault("date", raw)
        elif base in _INTS:
            value = to_int(raw)
            if value is None or value <= 0 or value > 10000:
                return None
            key, factor = _SCALE.get(base, (base, 1))
            for name_ in _BOTH.get(base, (key,)):
                params[name_] = value * factor
    if "threshold" in params:
        params["currency"] = currency or ("CNY" if _CJK.search(match[0]) else None)
    notes: list[str] = []
    if dates:
        today = capture_day(captured_at, chinese=bool(_CJK.search(match[0])))
        read = date_params(dates, today, pattern.day_first)
        if read is None:
            return None
        found, notes = read
        params.update(found)
        if today is None and any(v.startswith("--") for v in found.values()):
            notes.append("year not given and no capture date: dates kept as --MM-DD")
    return params, notes


def _negated(low: str, start: int, end: int) -> bool:
    if _NEGATION.search(low, max(0, start - 20), start):
        return True
    return bool(_NEGATED_AFTER.match(low, end, end + 24))


def _presale_markers(low: str) -> list[int]:
    """Where the text says 预售/定金/尾款/预订 (not 非预售), in order."""
    found = []
    for word in _PRESALE_MARKERS:
        at = low.find(word)
        while at >= 0:
            if not any(at >= len(no) and low.startswith(no, at - len(no)) for no in _NOT_PRESALE):
                found.append(at)
            at = low.find(word, at + 1)
    return sorted(found)


def _near(positions: list[int], start: int, end: int, reach: int) -> bool:
    i = bisect_left(positions, start - reach)
    return i < len(positions) and positions[i] <= end + reach


def _says_hours(match: re.Match[str]) -> bool:
    """48小时内发货: a presale page's in-stock variant, never its presale."""
    return any(v for k, v in match.groupdict().items() if k.startswith("hours"))


def _as_presale(params: dict[str, Any]) -> dict[str, Any]:
    """A ship-by promise read as a presale's: N天内发货 → {days: N}, 12月20日前 → {date_to}."""
    if "hours" not in params:
        return params
    params = dict(params)
    params["days"] = params.pop("hours") // 24
    return params


def _platform(low: str, start: int, end: int) -> bool:
    """Is this part of a site-wide service directory (two footer headings nearby)?"""
    return len({m[0] for m in _PLATFORM.finditer(low, max(0, start - 300), end + 300)}) >= 2


def _lower(text: str) -> str:
    """The text as the patterns read it: lower case, same length, lines ended by NUL (no
    pattern matches NUL, so no wording runs from one line into the next)."""
    low = text.lower()
    if len(low) != len(text):  # only U+0130 (İ) grows when lower-cased
        low = text.replace("\u0130", "i").lower()
    return low.replace("\n", "\0")


def _ranges(scan: _Scanner, low: str) -> dict[int, list[tuple[int, int]]]:
    """Per pattern, the stretches of text around its triggers (overlapping ones joined)."""
    starts: dict[int, list[int]] = {}
    for anchor, s, _e in scan.hits(low):
        starts.setdefault(anchor, []).append(s)
    per_pattern: dict[int, list[tuple[int, int]]] = {}
    for anchor, found in starts.items():
        found.sort()
        joined: list[tuple[int, int]] = []
        a, b = found[0] - _AROUND, found[0] + _AROUND
        for s in found[1:]:
            if s - _AROUND > b:
                joined.append((max(0, a), b))
                a = s - _AROUND
            b = s + _AROUND
        joined.append((max(0, a), b))
        for i in scan.by_anchor[anchor]:
            per_pattern.setdefault(i, []).extend(joined)
    for i, spans in per_pattern.items():
        if len(spans) > 1:
            spans.sort()
            merged = [spans[0]]
            for a, b in spans[1:]:
                if a <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(merged[-1][1], b))
                else:
                    merged.append((a, b))
            per_pattern[i] = merged
    return per_pattern


def find_promises(text: str, source: str = "page", *,
                  captured_at: datetime | date | str | None = None) -> list[dict[str, Any]]:
    """Every promise in ``text``, in order of appearance, deduplicated by (code, params, text).

    ``captured_at`` (a datetime, date or RFC 3339 string) resolves dates given without a
    year, lunar days and festivals (正月初十, 元宵节) and 今日/明天; without it they stay
    ``--MM-DD`` or are left out with a ``note``. Where matches of one code overlap, the
    first and longest is kept (运费险 inside 退货运费险, 免运费 inside 满39元免运费), even
    when it is negated. Negated wordings (不支持7天无理由退货, "no free returns", "Keine
    Rücknahme", "retours non acceptés") are not promises.
    """
    if not text or not isinstance(text, str):
        return []
    scan = scanner()
    low = _lower(text)
    matches: list[tuple[int, int, int, re.Match[str]]] = []
    for i, spans in _ranges(scan, low).items():
        regex = scan.patterns[i].regex
        for a, b in spans:
            matches.extend((m.start(), m.start() - m.end(), i, m)
                           for m in regex.finditer(low, a, b) if m.end() > m.start())
    matches.sort()
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    shown: set[tuple[int, str, str]] = set()  # (pattern, wording, code) already given
    cache: dict[tuple[int, str, str], tuple[dict[str, Any], list[str]] | None] = {}
    reach: dict[str, int] = {}  # per code, the furthest end of a match kept
    markers: list[int] | None = None  # where 预售/定金/尾款 stand, looked up once if needed
    for s, neg_len, i, m in matches:
        pattern = scan.patterns[i]
        e = s - neg_len
        # ship-by wordings that may be a presale's overlap the presale ones (1月31号发货
        # inside 1月25号-1月31号发货)
        family = "presale" if pattern.presale_near else pattern.code
        if s < reach.get(family, -1):
            continue  # overlaps a longer or earlier match of its code
        reach[family] = e
        code = pattern.code
        if pattern.presale_near and not _says_hours(m):
            if markers is None:
                markers = _presale_markers(low)
            if _near(markers, s, e, _PRESALE_REACH):
                code = "presale"
        key = (i, m[0], code)
        if key in shown or _negated(low, s, e):
            continue  # a repeat (the carousel's 2,500 "Free shipping") or negated
        if key not in cache:
            got = _params(pattern, m, captured_at)
            if got is not None and code != pattern.code:  # a ship-by wording, a presale's here
                got = (_as_presale(got[0]), got[1])
            cache[key] = got
        got = cache[key]
        if got is None:
            continue
        params, notes = got
        wording = text[s:e].strip()
        dedupe = (code, repr(sorted(params.items())), wording)
        shown.add(key)
        if dedupe in seen:
            continue
        seen.add(dedupe)
        promise: dict[str, Any] = {"code": code, "text": wording, "params": params,
                                   "source": source}
        if _platform(low, s, e):
            promise["scope"] = "platform"
        if notes:
            promise["note"] = "; ".join(notes)
        out.append(promise)
    return out


def resolve(promises: list[dict[str, Any]], captured_at: datetime | date | str | None
            ) -> list[dict[str, Any]]:
    """The promises again with their dates resolved against ``captured_at``: for a record
    extracted without the capture date (each wording is read again; scope is kept)."""
    if captured_at is None:
        return promises
    out = []
    for p in promises:
        read = find_promises(p.get("text") or "", p.get("source", "page"), captured_at=captured_at)
        again = [q for q in read if q["code"] == p["code"]]
        if not again and p["code"] == "presale":  # a ship-by wording a marker made a presale
            again = [{**q, "params": _as_presale(q["params"])}
                     for q in read if q["code"] == "ship_within"]
        if again:
            fresh = {k: v for k, v in p.items() if k != "note"}
            fresh["params"] = again[0]["params"]
            if "note" in again[0]:
                fresh["note"] = again[0]["note"]
            p = fresh
        out.append(p)
    return out


def merge(*groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Concatenate promise lists, dropping repeats of (code, params, text)."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str]] = set()
    for group in groups:
        for p in group:
            key = (p["code"], repr(sorted(p["params"].items())), p["text"])
            if key not in seen:
                seen.add(key)
                out.append(p)
    return out
