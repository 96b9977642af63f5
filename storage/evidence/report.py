"""Evidence reports in Chinese and English: HTML, and PDF through the same Chromium.

A report shows the anomalies found (candidates for review), the screenshot, what was
captured when and from where, the record, the target's change timeline, every hash and
seal, and how a third party checks them with standard tools. Given a complaint
(``storage.evidence.complaint.build``), the complaint comes first and the report follows as
its annex.
"""
from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from storage import Store
from storage.evidence import tsa
from storage.evidence.anomaly_view import NOTE_EN, NOTE_ZH, SEVERITY_WORDS, Part, findings
from storage.evidence.complaint import Complaint, complaint_html

CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC",sans-serif;margin:24px;color:#111;font-size:12px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;border-bottom:1px solid #999;margin-top:22px}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:3px 5px;
vertical-align:top;text-align:left}th{background:#f3f3f3;width:24%}
code,.hash{font-family:"DejaVu Sans Mono",monospace;font-size:10px;word-break:break-all}
img.shot{max-width:100%;border:1px solid #999}.note{color:#555}.bad{color:#a00}
pre{white-space:pre-wrap;font-size:10px;background:#f7f7f7;padding:6px}
.anomalies{border:2px solid #b35900;padding:4px 10px 8px;margin-top:14px}
.anomaly{border-top:1px solid #ddd;padding:6px 0}.anomaly p{margin:2px 0}
.sev{display:inline-block;padding:0 6px;border-radius:8px;color:#fff;background:#667;font-size:11px}
.sev-danger .sev{background:#c8161d}.sev-warning .sev{background:#b35900}.sev-info .sev{background:#2f6db3}
.complaint .en{color:#444}.complaint p{margin:2px 0}.complaint li{margin:4px 0}
.fact{padding:3px 0}.fact .basis{color:#7a1a00}.fact .refs{color:#555;font-size:10px}
.advice{border:1px solid #b35900;padding:4px 8px;color:#7a3d00}.requests{list-style:none;padding-left:6px}
"""


@dataclass
class ReportInput:
    snapshot_id: str
    manifest: dict[str, Any]
    record: dict[str, Any] | None
    screenshot: bytes | None
    timeline: list[dict[str, Any]]
    signature: bytes | None
    stamp: dict[str, Any] | None
    public_key_pem: bytes | None
    # set when ``screenshot`` is a masked copy (storage.evidence.screenmask): names the original
    screenshot_note: dict[str, Any] | None = None


def gather(store: Store, ref: str) -> ReportInput:
    """The snapshot ``ref`` (an id prefix, or a target URL: its newest snapshot)."""
    if "://" in ref:
        found = store.summaries(ref)
        if not found:
            from storage import SnapshotNotFoundError

            raise SnapshotNotFoundError(f"no snapshot of {ref}")
        ref = found[0]["id"]
    snapshot_id, manifest = store.manifest(ref)
    arts = manifest.get("artifacts") or {}
    shot = store.blobs.get(arts["screenshot"]["sha256"]) if "screenshot" in arts else None
    target = (manifest.get("target") or {}).get("url")
    timeline = []
    for summary in store.summaries(target, newest_first=False) if target else []:
        rec = store.record(summary["id"]) or {}
        timeline.append({**summary, "price": rec.get("price"), "promises": len(rec.get("promises") or [])})
    token = store.seals.read(snapshot_id, "tsr")
    stamp = {**tsa.describe(token), "sha256": hashlib.sha256(token).hexdigest()} if token else None
    pub = store.seals.public_path.read_bytes() if store.seals.public_path.exists() else None
    return ReportInput(snapshot_id, manifest, store.record(snapshot_id), shot, timeline,
                       store.seals.read(snapshot_id, "sig"), stamp, pub)


def _money(price: Any) -> str:
    if isinstance(price, dict) and price.get("amount"):
        return f"{price.get('currency') or ''} {price['amount']}".strip()
    return "—"


def _rows(pairs: list[tuple[str, Any]]) -> str:
    return "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in pairs)


def render(data: ReportInput, *, complaint: Complaint | None = None,
           mask: Callable[[str], str] | None = None) -> str:
    """The report as one self-contained HTML page."""
    m, rec, sid = data.manifest, data.record or {}, data.snapshot_id
    if mask is not None:
        from storage.evidence.redact import redact_obj

        rec = redact_obj(rec)
    t = (lambda s: escape(mask(str(s)))) if mask else (lambda s: escape(str(s)))
    target = (m.get("target") or {}).get("url", "")
    arts = m.get("artifacts") or {}
    server = m.get("server") or {}
    tls = m.get("tls") or {}
    parts = [f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
             f"<title>证据报告 Evidence report {sid[:12]}</title><style>{CSS}</style></head><body>",
             complaint_html(complaint, t) if complaint is not None else "",
             "<h1>电子证据报告 · Evidence report</h1>" if complaint is None
             else "<h1>附件：电子证据报告 · Annex: Evidence report</h1>",
             f"<p class='note'>jianyipai 检益拍 · 快照 snapshot <span class='hash'>{sid}</span></p>",
             _anomalies_html(rec, t)]
    parts.append("<h2>1. 采集信息 · What was captured, when, from where</h2><table>" + _rows([
        ("目标网址 Target URL", t(target)),
        ("最终网址 Final URL", t(m.get("final_url", ""))),
        ("采集时间 (UTC) Captured at", t(m.get("captured_at", ""))),
        ("HTTP 状态 Status", t(m.get("status", ""))),
        ("服务器地址 Server", t(f"{server.get('ip', '')}:{server.get('port', '')}")),
        ("TLS 证书 Certificate", t(json.dumps(tls, ensure_ascii=False)) if tls else "— (HTTP)"),
        ("浏览器 Browser", t(f"{(m.get('browser') or {}).get('name', '')} {(m.get('browser') or {}).get('version', '')}")),
        ("用户代理 User agent", t(m.get("user_agent", ""))),
        ("时区/语言 Time zone, locale", t(f"{m.get('timezone', '')} / {m.get('locale', '')}")),
        ("用时 Duration", t(f"{m.get('duration_s', '')} s")),
        ("警告 Warnings", t("; ".join(m.get("warnings") or []) or "无 none")),
    ]) + "</table>")
    parts.append("<h2>2. 页面截图 · Screenshot</h2>")
    if data.screenshot is not None and (mask is None or data.screenshot_note):
        b64 = base64.b64encode(data.screenshot).decode("ascii")
        parts.append(f"<img class='shot' alt='screenshot' src='data:image/png;base64,{b64}'>")
        if mask is not None and data.screenshot_note:
            parts.append(_masked_note(data.screenshot_note))
    elif data.screenshot is not None:
        parts.append("<p class='note'>已脱敏报告不附截图（截图中的个人信息无法可靠遮盖）；原截图哈希见下表。"
                     " The screenshot is withheld from redacted reports (personal data in pixels"
                     " cannot be masked reliably); its original hash is listed below.</p>")
    parts.append(_record_html(rec, t))
    parts.append(_timeline_html(data.timeline, sid, t))
    parts.append(_hashes_html(data, arts))
    parts.append(_verify_html(sid))
    if mask is not None:
        parts.append("<p class='note'>本报告已脱敏：手机号、身份证号、邮箱、地址已遮盖；所列哈希为原始文件哈希。"
                     " Redacted: phone, ID-card numbers, e-mail and addresses are masked; the"
                     " hashes above are of the original files this report derives from.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _masked_note(note: dict[str, Any]) -> str:
    origin = note["derived_from"]["sha256"]
    return (f"<p class='note'>截图已脱敏：页面文字中识别出的 {note['masked_boxes']} 处个人信息已涂黑"
            "（图片内的文字无法识别，未遮盖）。本截图由原截图（SHA-256 见下）遮盖而来。"
            f" Redacted screenshot: {note['masked_boxes']} areas where the page drew personal data"
            " as text are painted over (text inside images is not found). It derives from the"
            f" original screenshot SHA-256 <span class='hash'>{origin}</span>; this copy's"
            f" SHA-256 <span class='hash'>{note['sha256']}</span>.</p>")


def _record_html(rec: dict[str, Any], t: Callable[[Any], str]) -> str:
    out = ["<h2>3. 提取内容 · Record</h2><table>", _rows([
        ("商品/页面 Title", t(rec.get("title") or "—")),
        ("价格 Price", t(_money(rec.get("price")))),
        ("原价 Original price", t(_money(rec.get("original_price")))),
        ("卖家 Seller", t((rec.get("seller") or {}).get("name") or "—")),
        ("库存 Availability", t(rec.get("availability") or "—")),
    ]), "</table>"]
    promises = rec.get("promises") or []
    if promises:
        out.append("<p><b>承诺 Promises</b></p><ul>" + "".join(
            f"<li>{t(p.get('text', ''))} <span class='note'>({t(p.get('code', ''))},"
            f" {t(p.get('source', ''))})</span></li>" for p in promises) + "</ul>")
    claims = rec.get("claims") or []
    if claims:
        out.append("<p><b>广告用语（待人工复核）Advertising claims (for human review)</b></p><ul>" + "".join(
            f"<li>{t(c.get('text', ''))} <span class='note'>{t(', '.join(c.get('flags') or []))}</span></li>"
            for c in claims) + "</ul>")
    messages = rec.get("messages") or []
    if messages:
        out.append("<p><b>聊天记录 Chat messages</b></p><table>" + "".join(
            f"<tr><td>{t(msg.get('sent_at') or '')}</td><td>{t(msg.get('sender') or '')}"
            f" ({t(msg.get('role') or '')})</td><td>{t(msg.get('text') or '')}</td></tr>"
            for msg in messages) + "</table>")
    return "".join(out)


def _anomalies_html(rec: dict[str, Any], t: Callable[[Any], str]) -> str:
    """The record's anomalies, most severe first; nothing at all when there are none."""
    found = findings(rec)
    if not found:
        return ""
    out = ["<section class='anomalies'><h2>异常提示 · Anomalies</h2>",
           f"<p class='note'>{t(NOTE_ZH)} {t(NOTE_EN)}</p>"]
    for item in found:
        zh, en = SEVERITY_WORDS[item.severity]
        rows = "".join(_evidence_row(part, t) for part in item.evidence)
        out.append(f"<div class='anomaly sev-{item.severity}'><p><span class='sev'>{zh} {en}</span>"
                   f" <code>{t(item.code)}</code></p><p>{t(item.zh)}</p><p>{t(item.en)}</p>"
                   + (f"<table class='evidence'>{rows}</table>" if rows else "") + "</div>")
    out.append("</section>")
    return "".join(out)


def _evidence_row(part: Part, t: Callable[[Any], str]) -> str:
    """One evidence row; snapshot ids in full, so that the report names what it compared."""
    label = " ".join(dict.fromkeys((part.label("zh"), part.label("en"))))
    values = ", ".join(f"<span class='hash'>{t(v.ref)}</span> {t(v.detail)}".rstrip()
                       if v.kind == "snapshot" else t(v.shown) for v in part.values)
    return f"<tr><th>{t(label)}</th><td>{values}</td></tr>"


def _timeline_html(timeline: list[dict[str, Any]], sid: str, t: Callable[[Any], str]) -> str:
    rows = "".join(
        f"<tr><td>{t(s.get('captured_at') or '')}</td><td class='hash'>{'▶ ' if s['id'] == sid else ''}"
        f"{s['id'][:16]}</td><td>{t(_money(s.get('price')))}</td><td>{s.get('promises', 0)}</td></tr>"
        for s in timeline)
    return ("<h2>4. 变化时间线 · Change timeline of this target</h2><table><tr><th>采集时间 Captured"
            "</th><th>快照 Snapshot</th><th>价格 Price</th><th>承诺数 Promises</th></tr>" + rows + "</table>")


def _hashes_html(data: ReportInput, arts: dict[str, Any]) -> str:
    rows = [("快照编号 Snapshot id = SHA-256(manifest)", f"<span class='hash'>{data.snapshot_id}</span>"),
            ("上一快照 prev", f"<span class='hash'>{escape(str(data.manifest.get('prev')))}</span>")]
    for name, art in sorted(arts.items()):
        rows.append((f"{name} ({art.get('media_type', '')}, {art.get('size', '')} B)",
                     f"<span class='hash'>{art.get('sha256', '')}</span>"))
    if data.signature is not None:
        rows.append(("Ed25519 签名 signature (seals/&lt;id&gt;.sig)",
                     f"<span class='hash'>{data.signature.hex()}</span>"))
    if data.public_key_pem:
        rows.append(("公钥 Public key", f"<pre>{escape(data.public_key_pem.decode('ascii', 'replace'))}</pre>"))
    if data.stamp:
        rows.append(("可信时间戳 RFC 3161 timestamp",
                     f"{escape(data.stamp['gen_time'])} · serial {data.stamp['serial']} · token SHA-256 "
                     f"<span class='hash'>{data.stamp['sha256']}</span>"))
    else:
        rows.append(("可信时间戳 RFC 3161 timestamp", "<span class='bad'>无 none (yet)</span>"))
    return "<h2>5. 哈希与签名 · Hashes and seals</h2><table>" + _rows(rows) + "</table>"


def _verify_html(sid: str) -> str:
    steps = f"""# 1. 导出 Export the bundle, then unzip it / jianyipai export {sid[:12]} -o evidence.wacz
wacz validate -f evidence.wacz            # WACZ structure and every file hash
unzip evidence.wacz -d evidence && cd evidence
# 2. 清单哈希即快照编号 The manifest's SHA-256 is the snapshot id
sha256sum evidence/{sid}.manifest.json   # must print {sid}
# 3. 文件哈希 Each file's SHA-256 must equal the "artifacts" table of the manifest
sha256sum archive/*.warc.gz screenshots/*.png evidence/*.record.json
# 4. 签名 Ed25519 signature over the id
printf %s {sid} > id.txt
openssl pkeyutl -verify -pubin -inkey evidence/store-ed25519.pub.pem -rawin -in id.txt -sigfile evidence/{sid}.sig
# 5. 可信时间戳 RFC 3161 timestamp (CA file: the time-stamping authority's root certificate)
openssl ts -verify -in evidence/{sid}.tsr -digest {sid} -CAfile tsa-ca.pem"""
    return ("<h2>6. 第三方如何核验 · How anyone can check this</h2><p>以下命令均为通用工具"
            "（sha256sum、OpenSSL、py-wacz），无需本软件。These steps use standard tools only.</p>"
            f"<pre>{escape(steps)}</pre>")

