"""Transaction anomalies found from one record: look-alike domains, off-platform payment,
insecure forms (issue 14). Pure functions of (record, HTML, URL): no network, no disk but
this package's data (``official_domains.toml``, ``anomalies.toml``).

An anomaly is ``{code, severity, text: {zh, en}, evidence}``: a candidate for a person to
look at, not a verdict, which :data:`ANOMALIES_NOTE` says in the record.

>>> [a["evidence"]["imitates"] for a in find_anomalies({}, "", "https://jd.com.pay-secure.top/")]
['jd.com']
>>> find_anomalies({}, "", "https://item.jd.com/1.html")
[]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from .data import load_toml
from .guard import join_url
from .html import parse_page, visible_lines
from .sites import host_of

ANOMALIES_NOTE = (
    "anomalies are candidates for human review, not findings: a look-alike host, a seller's "
    "words or a form may be innocent in context (rules: extractors/anomalies.py, data: "
    "extractors/official_domains.toml, extractors/anomalies.toml)"
)
MAX_PER_CODE = 20  # findings of one code kept per record (a page of 500 bad links says enough)
MAX_HOSTS = 2000  # distinct hosts read from one page
MAX_TEXT = 300
_SHORT = 5  # brands shorter than this need the official domain whole or a lure word


# --- official domains -------------------------------------------------------------------

@dataclass(frozen=True)
class _Official:
    domains: dict[str, str]  # registrable domain -> owner
    brands: dict[str, str]  # brand skeleton -> the official domain it names
    names: frozenset[str]  # the brands as written


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    # The list bundled with the package (publicsuffixlist never fetches it at run time).
    return PublicSuffixList()


@lru_cache(maxsize=1)
def _psl_known() -> PublicSuffixList:
    """The same list, answering None for a name under no known suffix (report.pdf)."""
    return PublicSuffixList(accept_unknown=False)


@lru_cache(maxsize=1)
def official() -> _Official:
    domains: dict[str, str] = {}
    brands: dict[str, str] = {}
    names: set[str] = set()
    for item in load_toml("official_domains.toml")["platform"]:
        if not item.get("source") or not item.get("domains"):
            raise ValueError(f"official_domains.toml: {item.get('name')!r} needs domains and a source")
        for domain in item["domains"]:
            domains[domain.lower()] = item["owner"]
        for brand in item.get("brands") or []:
            # the domain named by the brand (qq -> qq.com), else the platform's first
            named = [d for d in item["domains"] if d.split(".")[0] == brand.lower()]
            brands.setdefault(skeleton(brand), (named or item["domains"])[0])
            names.add(brand.lower())
    return _Official(domains, brands, frozenset(names))


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    data = load_toml("anomalies.toml")
    steer = []
    for item in data["steer"]:
        if item["kind"] not in ("payment", "contact"):
            raise ValueError(f"anomalies.toml: unknown steer kind {item['kind']!r}")
        if item["re"] != item["re"].lower():
            raise ValueError(f"anomalies.toml: {item['re']!r} must be in lower case")
        steer.append((item["kind"], re.compile(item["re"])))
    cjk = [n for n in data["negations"] if not n.isascii() and not _cyrillic(n)]
    latin = [n for n in data["negations"] if n not in cjk]
    sensitive = {k: re.compile(v, re.IGNORECASE) for k, v in data["sensitive"].items()}
    return {
        "lures": frozenset(data["lure_words"]),
        "steer": steer,
        "neg_cjk": re.compile("(?:" + "|".join(map(re.escape, cjk)) + r")[^。！？!?，,；;\n]{0,3}$"),
        "neg_latin": re.compile(r"\b(?:" + "|".join(map(re.escape, latin))
                                + r")\b[^.!?\n]{0,24}$", re.IGNORECASE),
        "sensitive": sensitive,
    }


def _cyrillic(s: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in s)


# --- host names -------------------------------------------------------------------------

# Letters drawn like Latin ones (Cyrillic, Greek, IPA) and digits read as letters (0/o, 1/l):
# a host is compared with the brands in this folded form.
_CONFUSABLE = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "ј": "j", "ԁ": "d", "ѕ": "s", "ӏ": "l", "һ": "h", "ԛ": "q", "ԝ": "w", "к": "k",
    "ѵ": "v", "ү": "y", "в": "b", "н": "h", "т": "t", "м": "m", "ɡ": "g",
    "ο": "o", "α": "a", "ν": "v", "ρ": "p", "τ": "t", "ι": "i", "κ": "k", "υ": "u",
    "ε": "e", "η": "n", "χ": "x", "ı": "i", "ɑ": "a", "ɩ": "i", "ʟ": "l",
    "0": "o", "1": "l",
})


def skeleton(label: str) -> str:
    """``label`` as it looks: NFKC, lower case, confusable letters and 0/1 as Latin
    letters, ``rn`` as ``m`` and ``vv`` as ``w``."""
    s = unicodedata.normalize("NFKC", label).lower().translate(_CONFUSABLE)
    return s.replace("rn", "m").replace("vv", "w")


def unicode_host(host: str) -> str:
    """``host`` with each ``xn--`` label decoded (a label that does not decode stays)."""
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                label = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                pass
        labels.append(label)
    return ".".join(labels)


def registrable(host: str) -> str | None:
    """The registrable domain of ``host`` by the Public Suffix List (None for an IP
    address, a bare name or a public suffix)."""
    host = host.lower().rstrip(".")
    if "." not in host:
        return None
    try:
        ip_address(host.strip("[]"))
        return None
    except ValueError:
        pass
    return _psl().privatesuffix(host)


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment), or
    ``limit + 1`` once it is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _edits_allowed(brand: str) -> int:
    """How far a label may be from a brand to imitate it: none for brands under seven
    letters (tmall/small, suning/tuning are different words; tmal1 and taoba0 are caught
    by the skeleton), one from seven, two from nine (pinduoduo, aliexpress)."""
    return 0 if len(brand) < 7 else 1 if len(brand) < 9 else 2


def lookalike(host: str) -> dict[str, str] | None:
    """Whether ``host`` imitates an official domain: ``{imitates, how, registrable}`` or
    None. ``how``: ``homograph`` (non-Latin letters drawn like a brand), ``spelling``
    (digits for letters or one or two edits: tmal1, jingdon), ``official_inside`` (the
    official domain whole inside another: jd.com.pay-secure.top), ``brand_lure`` (a brand
    next to a lure word: taobao-vip.cn, tmall-shop.com, jdpay.top), ``brand_inside`` (a
    brand as a label or a hyphenated part of another domain), ``other_suffix`` (the
    brand's name under a suffix it does not own: taobao.net, jd.com.cn)."""
    host = unicode_host(host.lower().rstrip("."))
    reg = registrable(host)
    if reg is None:
        return None
    off = official()
    if official_owner(host) is not None:
        return None
    suffix = _psl().publicsuffix(host) or ""
    label = reg[: -len(suffix) - 1] if suffix and reg.endswith("." + suffix) else reg.split(".")[0]
    base = skeleton(label)
    if label in off.names:
        return _found(off.brands[base], "other_suffix", reg)
    if base in off.brands:
        return _found(off.brands[base], "spelling" if label.isascii() else "homograph", reg)
    # the official domain whole, then a dot or hyphen: jd.com.pay-secure.top, paypal.com-x.info
    for domain in off.domains:
        at = host.find(domain)
        while at != -1:
            end = at + len(domain)
            if (at == 0 or host[at - 1] in ".-") and end < len(host) and host[end] in ".-" \
                    and _brand_of(domain):
                return _found(domain, "official_inside", reg)
            at = host.find(domain, at + 1)
    head = host[: len(host) - len(suffix) - 1] if suffix else host
    lures = _words()["lures"]
    for part in re.split(r"[.]", head):
        tokens = [skeleton(t) for t in part.split("-") if t]
        for n, token in enumerate(tokens):
            others = tokens[:n] + tokens[n + 1:]
            for brand, domain in off.brands.items():
                if token == brand:
                    if any(t in lures for t in others):
                        return _found(domain, "brand_lure", reg)
                    if len(brand) >= _SHORT:
                        return _found(domain, "brand_inside", reg)
                elif len(token) > len(brand) and (token.startswith(brand) or token.endswith(brand)):
                    rest = token[len(brand):] if token.startswith(brand) else token[: -len(brand)]
                    if rest in lures or (len(brand) >= _SHORT and rest.isdigit()):
                        return _found(domain, "brand_lure", reg)
    for brand, domain in off.brands.items():
        allowed = _edits_allowed(brand)
        if allowed and _distance(base, brand, allowed) <= allowed:
            return _found(domain, "spelling", reg)
    return None


def official_owner(host: str) -> str | None:
    """The owner of ``host`` when it is an official domain or under one. By the domain
    itself, not its registrable domain: amazon.com.be is Amazon's, but the Public Suffix
    List's registrable domain of it is com.be."""
    domains = official().domains
    host = host.lower().rstrip(".")
    while host not in domains:
        if "." not in host:
            return None
        host = host.split(".", 1)[1]
    return domains[host]


def _brand_of(domain: str) -> bool:
    """Whether ``domain`` (official) is named by a brand (3.cn, a.co are not: "3.cn" is
    inside too many hosts to mean JD)."""
    label = domain.split(".")[0]
    return skeleton(label) in official().brands


def _found(domain: str, how: str, reg: str) -> dict[str, str]:
    return {"imitates": domain, "how": how, "registrable": reg}


HOW_DANGER = {"homograph", "spelling", "official_inside", "brand_lure"}


# --- the finders ------------------------------------------------------------------------

def anomaly(code: str, severity: str, zh: str, en: str, evidence: dict[str, Any]) -> dict[str, Any]:
    """One finding, as every anomaly is written (also those of ``storage.findings``)."""
    return {"code": code, "severity": severity, "text": {"zh": zh, "en": en},
            "evidence": evidence}


_URL_IN_TEXT = re.compile(
    r"(?:https?://)?(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,62})\.){1,8}"
    r"(?:[a-z]{2,24}|xn--[a-z0-9-]{1,59})(?![a-z0-9-])(?::\d{1,5})?(?:/[^\s<>\"'，。、）)】]*)?",
    re.IGNORECASE)
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def hosts_in_text(text: str) -> list[tuple[str, str]]:
    """``(host, what was written)`` for each link or bare domain in a message (a bare
    one under a known suffix only: jd.png, report.pdf and node.js are file names)."""
    out = []
    for m in _URL_IN_TEXT.finditer(text):
        written = m.group(0)
        bare = "//" not in written
        host = host_of("http://" + written if bare else written)
        if host and not _CJK.search(host) and "." in host \
                and not (bare and _psl_known().publicsuffix(host) is None):
            out.append((host, written))
    return out


def _lookalike_finding(host: str, where: str, evidence: dict[str, Any]) -> dict[str, Any] | None:
    hit = lookalike(host)
    if hit is None:
        return None
    severity = "danger" if hit["how"] in HOW_DANGER or where == "form" else "warning"
    places = {"page": ("本页面的域名", "The page's own host"), "link": ("页面上的链接", "A link on the page"),
              "form": ("页面表单的提交地址", "A form on the page posts to a host that"),
              "chat": ("聊天消息中的链接", "A link in a chat message")}
    zh, en = places[where]
    return anomaly(
        "lookalike_domain", severity,
        f"{zh} {host} 疑似仿冒官方域名 {hit['imitates']}（{hit['how']}），请核实后再操作。",
        f"{en} {host} imitates the official domain {hit['imitates']} ({hit['how']}); "
        "check before logging in or paying.",
        {"where": where, "host": host, **hit, **evidence})


_ABSOLUTE = re.compile(r"\s*(?:https?:)?//(?:[^/?#@\\]*@)?(\[[^\]/]*\]|[^/?#:\\]+)", re.IGNORECASE)


def _page_links(root: Any) -> list[tuple[str, str, str]]:
    """``(where, host, url)`` for each distinct host of an absolute link or form target
    (a relative one stays on the page's host; what the browser would open is the host
    after any ``user@``: ``http://jd.com@evil.top/`` is evil.top)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for el in root.iter("a", "area", "form", "button", "input"):
        attr = {"a": "href", "area": "href", "form": "action"}.get(el.tag, "formaction")
        value = el.get(attr)
        m = _ABSOLUTE.match(value) if value else None
        if m is None:
            continue
        where = "link" if el.tag in ("a", "area") else "form"
        host = m.group(1).lower().rstrip(".")
        if (where, host) not in seen:
            seen.add((where, host))
            out.append((where, host, value.strip()[:MAX_TEXT]))
            if len(seen) >= MAX_HOSTS:
                break
    return out


def lookalike_domains(record: dict[str, Any], root: Any, url: str | None) -> list[dict[str, Any]]:
    out = []
    page_host = host_of(url)
    if page_host:
        found = _lookalike_finding(page_host, "page", {"url": url})
        if found:
            out.append(found)
    if root is not None:
        for where, host, full in _page_links(root):
            if host == page_host:
                continue
            found = _lookalike_finding(host, where, {"url": full})
            if found:
                out.append(found)
    seen: set[str] = set()
    for msg in record.get("messages") or []:
        text = msg.get("text") if isinstance(msg, dict) else None
        if not isinstance(text, str):
            continue
        for host, written in hosts_in_text(text):
            if host in seen:
                continue
            seen.add(host)
            found = _lookalike_finding(host, "chat", {
                "message_id": msg.get("id"), "role": msg.get("role"), "url": written,
                "text": _window(text)})
            if found:
                out.append(found)
    return out[:MAX_PER_CODE]


def _window(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def steering(text: str) -> list[tuple[str, str, int]]:
    """``(kind, matched words, position)`` for the first off-platform steer of each
    pattern in ``text`` that no negation (请勿, 不要, never…) stands just before. The
    patterns are in lower case and read the text in lower case (quicker than re.I)."""
    words = _words()
    out = []
    low = text.lower()
    if len(low) != len(text):  # İ lower-cases to two characters: positions would shift
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for kind, regex in words["steer"]:
        for m in regex.finditer(low):
            start = m.start()
            if words["neg_cjk"].search(text, max(0, start - 8), start) \
                    or words["neg_latin"].search(text, max(0, start - 40), start):
                continue
            out.append((kind, text[start:m.end()], start))
            break
    return out


def _is_marketplace(url: str | None) -> bool:
    host = host_of(url)
    return bool(host) and official_owner(host) is not None


def offplatform(record: dict[str, Any], lines: list[str] | None, url: str | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for msg in record.get("messages") or []:
        if not isinstance(msg, dict) or msg.get("role") != "seller" \
                or not isinstance(msg.get("text"), str):
            continue
        hits = steering(msg["text"])
        if hits:
            out.append(_steer_anomaly(hits, {"where": "chat", "message_id": msg.get("id"),
                                             "sender": msg.get("sender"),
                                             "text": _window(msg["text"])}))
    if lines and record.get("kind") != "chat":
        market = _is_marketplace(url)
        text = "\n".join(lines)
        by_line: dict[int, list[tuple[str, str, int]]] = {}
        for hit in steering(text):
            if market or hit[0] == "payment":
                by_line.setdefault(text.rfind("\n", 0, hit[2]) + 1, []).append(hit)
        for start, hits in sorted(by_line.items())[:MAX_PER_CODE]:
            end = text.find("\n", start)
            line = text[start:] if end == -1 else text[start:end]
            out.append(_steer_anomaly(hits, {"where": "page", "url": url,
                                             "text": _window(line)}))
    return out[:MAX_PER_CODE]


def _steer_anomaly(hits: list[tuple[str, str, int]], evidence: dict[str, Any]) -> dict[str, Any]:
    payment = any(hit[0] == "payment" for hit in hits)
    return anomaly(
        "offplatform_payment", "danger" if payment else "warning",
        "卖家引导到平台外付款或联系（" + "、".join(hit[1] for hit in hits) + "）：平台外付款不受平台保障。",
        "The seller steers payment or contact off the platform (" + ", ".join(hit[1] for hit in hits)
        + "); payment outside the platform is not covered by its protection.",
        {**evidence, "matched": [hit[1] for hit in hits]})


def _sensitive(form: Any) -> list[str]:
    """The kinds of sensitive input in ``form`` (password, card, id_number)."""
    kinds: list[str] = []
    patterns = _words()["sensitive"]
    for el in form.iter("input", "textarea"):
        if (el.get("type") or "").lower() in ("hidden", "submit", "button", "checkbox", "radio"):
            continue
        described = " ".join(el.get(a) or "" for a in (
            "type", "name", "id", "autocomplete", "placeholder", "aria-label"))
        for kind, regex in patterns.items():
            if kind not in kinds and regex.search(described):
                kinds.append(kind)
    return kinds


def _same_owner(a: str, b: str) -> bool:
    """Whether hosts ``a`` and ``b`` have one official owner (tmall.com and login.taobao.com;
    not www.amazon.com.be and another site under com.be) or, neither official, one
    registrable domain."""
    owners = official_owner(a), official_owner(b)
    if owners != (None, None):
        return owners[0] == owners[1]
    return (registrable(a) or a) == (registrable(b) or b)


def insecure_forms(root: Any, url: str | None) -> list[dict[str, Any]]:
    if root is None or not url:
        return []
    page = urlsplit(url)
    page_host = (page.hostname or "").lower()
    out = []
    for form in root.iter("form"):
        kinds = _sensitive(form)
        if not kinds:
            continue
        action = (form.get("action") or "").strip()
        target = join_url(url, action) if action and not action.startswith("javascript:") else url
        parts = urlsplit(target)
        target_host = (parts.hostname or page_host).lower()
        target_reg = registrable(target_host) or target_host
        reasons = []
        if page.scheme == "http":
            reasons.append("http_page")
        if parts.scheme == "http" and page.scheme == "https":
            reasons.append("http_action")
        if parts.scheme in ("http", "https") and not _same_owner(page_host, target_host):
            reasons.append("other_domain")
        if not reasons:
            continue
        zh_kinds = "、".join({"password": "密码", "card": "银行卡号", "id_number": "身份证号"}[k]
                            for k in kinds)
        clear = "http_page" in reasons or "http_action" in reasons
        zh = (f"表单收集{zh_kinds}，" + ("以明文 http 传送" if clear else "")
              + ("，" if clear and "other_domain" in reasons else "")
              + (f"提交到另一个域名 {target_reg}" if "other_domain" in reasons else "") + "。")
        en = (f"A form asks for {', '.join(kinds)} and "
              + ("sends it over plain http" if clear else "")
              + (" and " if clear and "other_domain" in reasons else "")
              + (f"posts it to another domain, {target_reg}" if "other_domain" in reasons else "")
              + ".")
        out.append(anomaly("insecure_form", "danger", zh, en, {
            "where": "form", "url": url, "action": action or None, "target": target[:MAX_TEXT],
            "method": (form.get("method") or "get").lower(), "fields": kinds,
            "reasons": reasons}))
        if len(out) >= MAX_PER_CODE:
            break
    return out


def find_anomalies(record: dict[str, Any], html: str | bytes | None, url: str | None) -> list[dict[str, Any]]:
    """The anomalies of one record: look-alike hosts (the page, its links and form
    targets, links in chat messages), off-platform steering (the listing's text, the
    seller's chat messages), insecure forms. ``url``: the page's address (the record's
    ``url`` when None)."""
    url = url or record.get("url")
    root = None
    lines: list[str] | None = None
    if html:
        text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
        root = parse_page(text)[0]
        if record.get("kind") != "chat":
            lines = visible_lines(root)
    return (lookalike_domains(record, root, url) + offplatform(record, lines, url)
            + insecure_forms(root, url))
