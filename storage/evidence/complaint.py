"""Complaint drafts built from what a snapshot shows (issue 15).

``build`` is a pure function of the report's input, the change since the target's previous
capture (``gather_change``) and two data files the team reviews: ``legal_basis.toml`` (law,
article, what it says, source; which problem types each may fit) and
``complaint_channels.toml`` (where to file). Each problem found is its own numbered fact; a
seller's promise is a fact of what was promised, never of whether it was kept (that is the
consumer's to state); requests are offered for the consumer to tick, not chosen. A snapshot
with nothing found gets no invented problem: one fact left for the consumer to write.
``complaint_html`` renders it for the report (Chinese first, English beside it);
``form_text`` splits it into the fields of the 12315 web form, ready to paste.
"""
from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import cache
from html import escape
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from storage.evidence.anomaly_view import SEVERITY_WORDS, findings
from storage.times import parse

if TYPE_CHECKING:
    from storage.evidence.report import ReportInput
    from storage.store import Store

NOT_ADVICE_ZH = ("本材料由软件根据采集到的页面自动整理，仅供参考，不构成法律意见；所列条文是否适用于您的情况，"
                 "请自行判断或咨询律师、消费者协会。发送前请逐条核对并删去不符合实际的内容。")
NOT_ADVICE_EN = ("Assembled by software from the captured pages, for reference only: this is not legal"
                 " advice. Whether an article applies to your case is for you, a lawyer or a consumer"
                 " association to judge. Check every line and delete what does not fit before sending.")
YOURS_ZH = "（请在此写明您的实际遭遇：何时下单、订单号、收到了什么或发生了什么、与卖家沟通的结果。）"
YOURS_EN = ("(Write what happened to you here: when you ordered, the order number, what you received"
            " or what happened, and what the seller answered.)")
BEIJING = timezone(timedelta(hours=8))
FLAG_WORDS = {"absolute": ("绝对化用语", "absolute term"), "efficacy": ("功效宣称", "efficacy claim")}
SOURCE_WORDS = {"page": ("商品页面", "the listing page"),
                "structured-data": ("页面的结构化数据", "the page's structured data")}


@dataclass(frozen=True)
class Basis:
    id: str
    law: str
    law_en: str
    article: str
    article_en: str
    says: str
    says_en: str
    source: str

    @property
    def cite(self) -> str:
        return f"《{self.law.removeprefix('中华人民共和国')}》{self.article}"

    @property
    def cite_en(self) -> str:
        return f"{self.law_en}, {self.article_en}"


@dataclass(frozen=True)
class Ref:
    """A piece of evidence a fact rests on: a snapshot or a chat message, with its time."""

    kind: str  # snapshot | message
    id: str
    when: str = ""


@dataclass(frozen=True)
class Fact:
    kind: str  # anomaly | claim | promise | change | yours
    zh: str
    en: str
    refs: tuple[Ref, ...] = ()
    basis: tuple[Basis, ...] = ()


@dataclass(frozen=True)
class Request:
    key: str
    zh: str
    en: str
    basis: tuple[Basis, ...] = ()


@dataclass(frozen=True)
class Channel:
    name: str
    name_en: str
    where: str
    where_en: str


@dataclass(frozen=True)
class Complaint:
    snapshot_id: str
    captured_at: str
    url: str
    seller: str
    platform: str
    platform_en: str
    title: str
    price: dict[str, Any] | None
    facts: tuple[Fact, ...]
    found: int  # facts found in the capture (the consumer's own fact is not counted)
    requests: tuple[Request, ...]
    channels: tuple[Channel, ...]
    evidence: tuple[tuple[str, str, str], ...]  # (label zh, label en, value)
    bundle: str | None  # the WACZ file written beside the complaint, if any
    export_command: str

    @property
    def bases(self) -> list[Basis]:
        """Every article cited, in the order first cited."""
        seen: dict[str, Basis] = {}
        for item in (*self.facts, *self.requests):
            for b in item.basis:
                seen.setdefault(b.id, b)
        return list(seen.values())


@cache
def _data(name: str) -> dict[str, Any]:
    text = resources.files("storage.evidence").joinpath(name).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"storage/evidence/{name}: {exc}") from exc


@cache
def legal_bases() -> dict[str, Basis]:
    """``legal_basis.toml``'s entries by id."""
    return {b["id"]: Basis(**b) for b in _data("legal_basis.toml")["basis"]}


def basis_for(key: str) -> tuple[Basis, ...]:
    """The articles ``legal_basis.toml`` maps a problem type to (``promise.*`` for any promise)."""
    table = _data("legal_basis.toml")["map"]
    ids = table.get(key)
    if ids is None and key.startswith("promise."):
        ids = table.get("promise.*")
    return tuple(legal_bases()[i] for i in ids or ())


def gather_change(store: Store, data: ReportInput) -> dict[str, Any] | None:
    """How this listing capture differs from the target's previous one that showed the listing
    (``storage.history.compare``), or None when there is none or nothing changed."""
    from storage.history import compare, previous_shown

    target = data.manifest.get("target") or {}
    if target.get("kind") != "listing" or not target.get("url"):
        return None
    prev = previous_shown(store, target["url"], "listing", data.snapshot_id)
    if prev is None:
        return None
    change = compare(store, prev, data.snapshot_id)
    return change if change.get("listing_changed") else None


def build(data: ReportInput, change: dict[str, Any] | None = None, *,
          bundle: str | None = None) -> Complaint:
    """The complaint for one snapshot; ``bundle`` names the WACZ written beside it."""
    m, rec, sid = data.manifest, data.record or {}, data.snapshot_id
    captured = str(m.get("captured_at") or "")
    url = str((m.get("target") or {}).get("url") or m.get("final_url") or rec.get("url") or "")
    here = Ref("snapshot", sid, captured)
    facts = [*_anomaly_facts(rec, here), *_claim_facts(rec, here, captured),
             *_promise_facts(rec, here, captured)]
    prev_id = None
    if change:
        if fact := _change_fact(change, here):
            facts.append(fact)
            prev_id = change["old"]["id"]
    found = len(facts)
    facts.append(Fact("yours", YOURS_ZH, YOURS_EN))
    platform = _platform(url)
    seller = _dict(rec.get("seller")).get("name") or _dict(rec.get("counterpart")).get("name") or ""
    export = f"jianyipai export {sid[:12]}{' ' + prev_id[:12] if prev_id else ''} -o evidence-{sid[:12]}.wacz"
    return Complaint(
        snapshot_id=sid, captured_at=captured, url=url, seller=str(seller),
        platform=platform.name if platform else _host(url), platform_en=platform.name_en if platform else _host(url),
        title=str(rec.get("title") or ""), price=_price(rec), facts=tuple(facts), found=found,
        requests=tuple(_requests(rec, change)), channels=tuple(_channels(platform, rec)),
        evidence=tuple(_evidence(data, facts, change if prev_id else None, bundle, export)),
        bundle=bundle, export_command=export)


def _dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a dict: records are untrusted (a captured page wrote them)."""
    return value if isinstance(value, dict) else {}


# -- facts -----------------------------------------------------------------------------

def _when_zh(text: str) -> str:
    """An instant as Beijing time for the Chinese text; as written if it is not one."""
    moment = parse(text) if text else None
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S（北京时间）") if moment else text


def _when_en(text: str) -> str:
    moment = parse(text) if text else None
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else text


def _anomaly_facts(rec: dict[str, Any], here: Ref) -> list[Fact]:
    out = []
    for item in findings(rec):
        zh_sev, en_sev = SEVERITY_WORDS[item.severity]
        refs = [here]
        for part in item.evidence:
            refs += [Ref(v.kind, v.ref, _sent_at(rec, v.ref) if v.kind == "message" else "")
                     for v in part.values if v.kind in ("snapshot", "message") and v.ref]
        said_zh = "；".join(f"{p.label('zh')}：{', '.join(v.shown for v in p.values)}" for p in item.evidence)
        said_en = "; ".join(f"{p.label('en')}: {', '.join(v.shown for v in p.values)}" for p in item.evidence)
        out.append(Fact(
            "anomaly",
            f"异常线索（{zh_sev}，{item.code}）：{item.zh}" + (f"（依据：{said_zh}）" if said_zh else ""),
            f"Anomaly ({en_sev}, {item.code}): {item.en}" + (f" (evidence: {said_en})" if said_en else ""),
            tuple(dict.fromkeys(refs)), basis_for(f"anomaly.{item.code}")))
    return out


def _claim_facts(rec: dict[str, Any], here: Ref, captured: str) -> list[Fact]:
    out = []
    for claim in rec.get("claims") or []:
        flags = [str(f) for f in _dict(claim).get("flags") or [] if f] if isinstance(
            _dict(claim).get("flags"), list) else []
        if not flags:
            continue
        kinds = list(dict.fromkeys(f.split(":", 1)[0] for f in flags))
        found = list(dict.fromkeys(f.split(":", 1)[-1] for f in flags))
        terms, terms_en = "」「".join(found), '", "'.join(found)
        words_zh = "、".join(FLAG_WORDS.get(k, (k, k))[0] for k in kinds)
        words_en = ", ".join(FLAG_WORDS.get(k, (k, k))[1] for k in kinds)
        text = " ".join(str(claim.get("text") or "").split())
        out.append(Fact(
            "claim",
            f"页面广告宣传「{text}」，含{words_zh}「{terms}」（页面所示，{_when_zh(captured)}采集）。",
            f"The page advertises \"{text}\", with the {words_en} \"{terms_en}\""
            f" (as shown when captured {_when_en(captured)}).",
            (here,), tuple(dict.fromkeys(b for k in kinds for b in basis_for(f"claim.{k}")))))
    return out


def _promise_facts(rec: dict[str, Any], here: Ref, captured: str) -> list[Fact]:
    """Page promises one by one; chat promises by the seller message that made them, quoted whole."""
    out = []
    by_message: dict[str, list[dict[str, Any]]] = {}
    seen: set[str] = set()
    items = [p for p in [*(rec.get("promises") or []), *(rec.get("commitments") or [])] if isinstance(p, dict)]
    for promise in items:
        text = " ".join(str(promise.get("text") or "").split())
        if promise.get("source") == "chat" or promise.get("message_id"):
            by_message.setdefault(str(promise.get("message_id") or ""), []).append(promise)
            continue
        if not text or text in seen:
            continue
        seen.add(text)
        zh_where, en_where = SOURCE_WORDS.get(str(promise.get("source")), SOURCE_WORDS["page"])
        out.append(Fact(
            "promise",
            f"卖家在{zh_where}上承诺「{text}」（页面所示，{_when_zh(captured)}采集）。",
            f"The seller promised \"{text}\" on {en_where} (as shown when captured {_when_en(captured)}).",
            (here,), basis_for(f"promise.{promise.get('code')}")))
    messages = {str(msg.get("id")): msg for msg in rec.get("messages") or [] if isinstance(msg, dict)}
    order = {message_id: n for n, message_id in enumerate(messages)}  # the thread's; unknown ids last
    for message_id, promises in sorted(by_message.items(), key=lambda kv: order.get(kv[0], len(order))):
        said = list(dict.fromkeys(" ".join(str(p.get("text") or "").split()) for p in promises))
        words, words_en = "」「".join(said), '", "'.join(said)
        msg = messages.get(message_id) or {}
        sent = str(msg.get("sent_at") or "")
        who = str(msg.get("sender") or "")
        basis = tuple(dict.fromkeys(b for p in promises for b in basis_for(f"promise.{p.get('code')}")))
        refs = (here, Ref("message", message_id, sent)) if message_id else (here,)
        if msg:
            quote = " ".join(str(msg.get("text") or "").split())
            zh = (f"卖家{f'（{who}）' if who else ''}于{_when_zh(sent) or '（时间未知）'}在聊天中写道：「{quote}」，"
                  f"其中承诺「{words}」（聊天消息编号 {message_id}）。")
            en = (f"The seller{f' ({who})' if who else ''} wrote in the chat at {_when_en(sent) or '(time unknown)'}:"
                  f" \"{quote}\", promising \"{words_en}\" (chat message id {message_id}).")
        else:
            zh = f"卖家在聊天中承诺「{words}」（{_when_zh(captured)}采集的聊天记录）。"
            en = f"The seller promised \"{words_en}\" in the chat (thread captured {_when_en(captured)})."
        out.append(Fact("promise", zh, en, refs, basis))
    return out


def _sent_at(rec: dict[str, Any], message_id: str) -> str:
    for msg in rec.get("messages") or []:
        if isinstance(msg, dict) and msg.get("id") == message_id:
            return str(msg.get("sent_at") or "")
    return ""


def _change_fact(change: dict[str, Any], here: Ref) -> Fact | None:
    """What changed since the previous capture: price, promises removed or reworded, claims added."""
    zh, en = [], []
    for f in change.get("fields") or []:
        if f.get("field") in ("price", "original_price"):
            name = ("价格", "price") if f["field"] == "price" else ("划线原价", "original price")
            zh.append(f"{name[0]} {f.get('old') or '—'} → {f.get('new') or '—'}")
            en.append(f"{name[1]} {f.get('old') or '—'} → {f.get('new') or '—'}")
    promises, claims = change.get("promises") or {}, change.get("claims") or {}
    removed = [p.get("text") for p in promises.get("removed") or []]
    if removed:
        zh.append("删除承诺「" + "」「".join(removed) + "」")
        en.append("promises removed: \"" + "\", \"".join(removed) + "\"")
    for p in promises.get("reworded") or []:
        zh.append(f"承诺「{p['old'].get('text')}」改为「{p['new'].get('text')}」")
        en.append(f"promise \"{p['old'].get('text')}\" changed to \"{p['new'].get('text')}\"")
    added = [c.get("text") for c in claims.get("added") or [] if c.get("flags")]
    if added:
        zh.append("新增广告用语「" + "」「".join(added) + "」")
        en.append("claims added: \"" + "\", \"".join(added) + "\"")
    if not zh:
        return None
    old = change["old"]
    basis = basis_for("change.promise_removed") if removed or promises.get("reworded") else ()
    return Fact(
        "change",
        f"与 {_when_zh(old.get('captured_at') or '')} 采集的同一商品页面（快照 {old['id'][:12]}）相比，"
        f"{_when_zh(here.when)}采集的页面：" + "；".join(zh) + "。",
        f"Compared with the same listing captured {_when_en(old.get('captured_at') or '')} (snapshot"
        f" {old['id'][:12]}), the page captured {_when_en(here.when)} shows: " + "; ".join(en) + ".",
        (Ref("snapshot", old["id"], old.get("captured_at") or ""), here), basis)


# -- requests, channels, evidence ---------------------------------------------------------

def _price(rec: dict[str, Any]) -> dict[str, Any] | None:
    price = rec.get("price")
    return price if isinstance(price, dict) and price.get("amount") else None


def _amount(price: dict[str, Any] | None) -> Decimal | None:
    try:
        return Decimal(str(price["amount"])) if price else None
    except (InvalidOperation, KeyError):
        return None


def _times(price: dict[str, Any] | None, multiple: int, floor: int | None = None) -> tuple[str, str]:
    """``multiple × price = total`` in yuan (with the legal floor), or nothing for other currencies."""
    amount = _amount(price)
    if amount is None or (price or {}).get("currency") not in (None, "CNY"):
        return "", ""
    total = (amount * multiple).quantize(Decimal("0.01"))
    zh = f"（按页面标价：{multiple} × {amount} = {total} 元"
    en = f" (at the listed price: {multiple} × {amount} = {total} yuan"
    if floor is not None and total < floor:
        zh += f"，不足 {floor} 元的按 {floor} 元"
        en += f"; less than {floor}, so {floor}"
    return zh + "）", en + ")"


def _lower(new: Any, old: Any) -> bool:
    """``new`` is a lower price than ``old`` (values as ``field_value`` shows them: "199.00 CNY")."""
    try:
        a, b = str(new).split(), str(old).split()
        return a[1:] == b[1:] and Decimal(a[0]) < Decimal(b[0])
    except (IndexError, InvalidOperation):
        return False


def _requests(rec: dict[str, Any], change: dict[str, Any] | None) -> list[Request]:
    price = _price(rec)
    promises = [p for p in rec.get("promises") or [] if isinstance(p, dict)]
    earlier = (change or {}).get("promises") or {}
    # a promise the earlier capture showed still binds what was bought then
    promises += [*(earlier.get("removed") or []), *(x["old"] for x in earlier.get("reworded") or [])]
    out = [Request("return_refund", "退货退款（网购商品自收到之日起七日内可无理由退货，法定除外商品除外）",
                   "Return and refund (goods bought online may be returned within seven days of receipt"
                   " without a reason, save the goods the law excludes)", basis_for("request.return_refund"))]
    protection = list(dict.fromkeys(p.get("text") for p in promises if p.get("code") == "price_protection"))
    dropped = [f for f in (change or {}).get("fields") or [] if f.get("field") == "price"
               and _lower(f.get("new"), f.get("old"))]
    if protection or dropped:
        why_zh = f"，依据卖家承诺「{'」「'.join(protection)}」" if protection else ""
        why_en = f", as the seller promised \"{'; '.join(protection)}\"" if protection else ""
        out.append(Request("price_difference", f"退还差价{why_zh}", f"Refund of the price difference{why_en}",
                           basis_for("request.price_difference")))
    multiples: dict[int, str] = {}  # 假一赔十 -> 10: the first wording of each multiple
    for p in promises:
        multiple = _dict(p.get("params")).get("multiple")
        if p.get("code") == "counterfeit_compensation" and isinstance(multiple, int) and multiple > 0:
            multiples.setdefault(multiple, str(p.get("text") or ""))
    for multiple, text in multiples.items():
        zh, en = _times(price, multiple)
        out.append(Request("per_promise", f"按卖家「{text}」的承诺，如商品为假冒，赔偿价款的 {multiple} 倍{zh}",
                           f"Per the seller's promise \"{text}\": if the goods are counterfeit, {multiple} times"
                           f" the price{en}", basis_for("request.per_promise")))
    zh, en = _times(price, 3, 500)
    out.append(Request("fraud", f"如经营者存在欺诈：增加赔偿价款的三倍，不足五百元的按五百元{zh}",
                       f"If the business committed fraud: extra compensation of three times the price, at"
                       f" least 500 yuan{en}", basis_for("request.fraud")))
    zh, en = _times(price, 10, 1000)
    out.append(Request("food", f"仅当商品为不符合食品安全标准的食品：价款十倍或损失三倍的赔偿金，不足一千元的按一千元{zh}",
                       "Only if the goods are food below food-safety standards: ten times the price or three"
                       f" times the loss, at least 1,000 yuan{en}", basis_for("request.food")))
    if any(c.get("flags") for c in rec.get("claims") or [] if isinstance(c, dict)):
        out.append(Request("ad_enforcement", "请市场监督管理部门依法查处上述广告用语",
                           "That the market regulator examine the advertising quoted above",
                           basis_for("request.ad_enforcement")))
    out.append(Request("other", "其他：____________________", "Other: ____________________"))
    return out


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _platform(url: str) -> Channel | None:
    host = _host(url)
    for entry in _data("complaint_channels.toml")["platform"]:
        if any(host == d or host.endswith("." + d) for d in entry["domains"]):
            return Channel(entry["name"], entry["name_en"], entry["where"], entry["where_en"])
    return None


def _channels(platform: Channel | None, rec: dict[str, Any]) -> list[Channel]:
    data = _data("complaint_channels.toml")
    other, national, police = data["other"], data["national"], data["police"]
    out = [platform or Channel("购物平台", "The shopping platform", other["where"], other["where_en"]),
           Channel(national["name"], national["name_en"], national["where"], national["where_en"])]
    if any(f.code in police["codes"] for f in findings(rec)):
        out.append(Channel("公安机关", "The police", police["where"], police["where_en"]))
    return out


def _evidence(data: ReportInput, facts: list[Fact], change: dict[str, Any] | None,
              bundle: str | None, export: str) -> list[tuple[str, str, str]]:
    m, sid = data.manifest, data.snapshot_id
    out = [("快照编号 = 清单 SHA-256", "Snapshot id = SHA-256 of the manifest", sid),
           ("采集时间（UTC）", "Captured at (UTC)", str(m.get("captured_at") or "")),
           ("网址", "URL", str((m.get("target") or {}).get("url") or ""))]
    if data.stamp:
        out.append(("可信时间戳（RFC 3161）", "Trusted timestamp (RFC 3161)",
                    f"{data.stamp.get('gen_time')} · serial {data.stamp.get('serial')} · token SHA-256 {data.stamp.get('sha256')}"))
    else:
        out.append(("可信时间戳（RFC 3161）", "Trusted timestamp (RFC 3161)", "无 none"))
    out.append(("Ed25519 签名", "Ed25519 signature", f"seals/{sid}.sig" if data.signature else "无 none"))
    for name, art in sorted((m.get("artifacts") or {}).items()):
        out.append((f"文件 {name}（SHA-256）", f"file {name} ({art.get('media_type', '')})", str(art.get("sha256", ""))))
    if change:
        old = change["old"]
        out.append(("对比的上一快照", "Earlier snapshot compared", f"{old['id']} · {old.get('captured_at') or ''}"))
    for ref in dict.fromkeys(r for f in facts for r in f.refs if r.kind == "message"):
        out.append(("聊天消息编号", "Chat message id", f"{ref.id} · {ref.when}".rstrip(" ·")))
    for ref in dict.fromkeys(r for f in facts for r in f.refs if r.kind == "snapshot" and r.id != sid
                             and not (change and r.id == change["old"]["id"])):
        out.append(("相关快照", "Related snapshot", ref.id))
    out.append(("WACZ 证据包（请作为附件提交）", "WACZ bundle (attach it)",
                f"{bundle}（与本文件同一文件夹 · in the same folder）" if bundle else f"{export}"))
    return out


# -- rendering ---------------------------------------------------------------------------

def _money(price: dict[str, Any] | None) -> str:
    if not price:
        return ""
    return f"{price['amount']} 元" if price.get("currency") in (None, "CNY") else f"{price['amount']} {price['currency']}"


def complaint_html(c: Complaint, t: Callable[[Any], str]) -> str:
    """The complaint as an HTML section (``t`` escapes, and masks in redacted reports)."""
    facts = "".join(
        f"<li class='fact'><p>{t(f.zh)}</p><p class='en'>{t(f.en)}</p>"
        + (f"<p class='basis'>法律依据 Legal basis: {'；'.join(t(b.cite) + ' (' + t(b.cite_en) + ')' for b in f.basis)}</p>"
           if f.basis else "")
        + (f"<p class='refs'>证据 Evidence: {'; '.join(_ref_html(r) for r in f.refs)}</p>" if f.refs else "")
        + "</li>" for f in c.facts)
    bases = "".join(f"<tr><th>{t(b.cite)}<br>{t(b.cite_en)}</th><td>{t(b.says)}<br><span class='en'>"
                    f"{t(b.says_en)}</span><br><span class='note'>来源 Source: {t(b.source)}</span></td></tr>"
                    for b in c.bases)
    requests = "".join(f"<li>☐ {t(r.zh)}<br><span class='en'>{t(r.en)}</span>"
                       + (f" <span class='note'>（{'；'.join(t(b.cite) for b in r.basis)}）</span>" if r.basis else "")
                       + "</li>" for r in c.requests)
    channels = "".join(f"<li><b>{t(ch.name)}</b> · {t(ch.name_en)}<br>{t(ch.where)}<br>"
                       f"<span class='en'>{t(ch.where_en)}</span></li>" for ch in c.channels)
    # ids and hashes are never masked: a digit run in a hash may look like a phone number
    evidence = "".join(f"<tr><th>{t(zh)}<br>{t(en)}</th><td class='hash'>{escape(value)}</td></tr>"
                       for zh, en, value in c.evidence)
    platform = " · ".join(dict.fromkeys(p for p in (c.platform, c.platform_en) if p))
    who = "".join(f"<tr><th>{k}</th><td>{t(v) if v else '—'}</td></tr>" for k, v in (
        ("经营者 / 网店 Seller", c.seller), ("平台 Platform", platform),
        ("网址 URL", c.url), ("商品 Item", c.title), ("页面标价 Price shown", _money(c.price))))
    return f"""<section class='complaint'>
<h1>投诉材料 · Complaint</h1>
<p class='note'>jianyipai 检益拍 · 快照 snapshot <span class='hash'>{c.snapshot_id}</span></p>
<p class='advice'>{t(NOT_ADVICE_ZH)}<br>{t(NOT_ADVICE_EN)}</p>
<h2>一、投诉对象 · Who</h2><table>{who}</table>
<h2>二、事实 · Facts</h2>
<p class='note'>以下为采集到的页面内容；承诺是否兑现，请您自行陈述。What the captured pages show; whether a promise was kept is yours to state.</p>
<ol class='facts'>{facts}</ol>
<h2>三、法律依据 · Legal basis</h2><table>{bases or "<tr><td>—</td></tr>"}</table>
<h2>四、诉求（请勾选）· Requests (tick what you ask for)</h2><ul class='requests'>{requests}</ul>
<h2>五、投诉途径（按顺序）· Where to file, in order</h2><ol>{channels}</ol>
<p class='note'>12315 网页表单各栏的填写内容见同名 .txt 文件。The text for each field of the 12315 web form is in the .txt file of the same name.</p>
<h2>六、证据清单 · Evidence list</h2><table>{evidence}</table>
<p>投诉人 Complainant: ______________　联系电话 Phone: ______________　日期 Date: ______________</p>
</section>
<div style='break-after:page'></div>"""


def _ref_html(ref: Ref) -> str:
    label = "快照 snapshot" if ref.kind == "snapshot" else "聊天消息 chat message"
    return f"{label} <span class='hash'>{escape(ref.id)}</span>" + (f" ({escape(ref.when)})" if ref.when else "")


FORM_FIELDS = (  # the 12315 web form's fields, in its order (label zh, label en)
    ("投诉对象（经营者名称 / 网店名称）", "Business complained about"),
    ("购买渠道（网购平台）", "Where bought (platform)"),
    ("网址", "URL"),
    ("商品或服务名称", "Goods or service"),
    ("购买时间", "Date of purchase"),
    ("订单号", "Order number"),
    ("涉及金额", "Amount involved"),
    ("投诉问题描述（事实与理由）", "Description (facts and reasons)"),
    ("诉求", "What you ask for"),
    ("证据材料（附件）", "Evidence (attachments)"),
)


def form_text(c: Complaint, mask: Callable[[str], str] | None = None) -> str:
    """The complaint split into the 12315 web form's fields: a bilingual label per field, the
    Chinese content to paste below it. ``mask`` redacts what the page said, never the ids."""
    m = mask or (lambda s: s)
    facts = []
    for n, f in enumerate(c.facts, start=1):
        line = f"{n}. {m(f.zh)}"
        if f.basis:
            line += "\n   可能涉及：" + "；".join(b.cite for b in f.basis)
        facts.append(line)
    cited = list(dict.fromkeys(b for f in c.facts for b in f.basis))
    if cited:
        facts.append("法律依据（供参考）：\n" + "\n".join(f"{b.cite}：{b.says}" for b in cited))
    evidence = [f"{zh}：{value}" for zh, _en, value in c.evidence]
    values = (
        m(c.seller) or "（请填写网店名称）",
        c.platform or "（请填写）",
        m(c.url),
        m(c.title) or "（请填写）",
        f"（请按订单填写；页面采集于 {_when_zh(c.captured_at)}）",
        "（请按订单填写）",
        f"页面标价 {_money(c.price)}（请按实际支付金额填写）" if c.price else "（请按实际支付金额填写）",
        "\n".join(facts),
        "\n".join(f"☐ {m(r.zh)}" + (f"（{'；'.join(b.cite for b in r.basis)}）" if r.basis else "")
                  for r in c.requests) + "\n（请保留您要主张的诉求，删去其余各项。）",
        "\n".join(evidence),
    )
    blocks = [f"投诉材料 · 12315 表单填写内容（jianyipai 检益拍，快照 {c.snapshot_id}）",
              "Complaint text for the 12315 web form: paste the Chinese under each label into that field.",
              "网址 / site: https://www.12315.cn → 我要投诉",
              NOT_ADVICE_ZH, ""]
    blocks += [f"【{zh} · {en}】\n{value}\n" for (zh, en), value in zip(FORM_FIELDS, values, strict=True)]
    blocks.append("【投诉途径（按顺序） · Where to file, in order】")
    blocks += [f"{n}. {ch.name}：{ch.where}" for n, ch in enumerate(c.channels, start=1)]
    return "\n".join(blocks) + "\n"
