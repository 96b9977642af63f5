"""The record kept with each snapshot: what the extractors make of the page."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from extractors import ExtractError, extract_chat, extract_listing

# Visible elements that show a price, with what only a browser knows: where and how big.
# The deepest element holding the whole price is taken, so ¥<b>199</b>.00 counts once.
PRICE_HINTS_JS = """() => {
  const money = /[¥￥$€£]\\s*\\d|\\d\\s*(?:元|万)/;
  const out = [];
  if (!document.body) return out;
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION']);
  const all = document.body.getElementsByTagName('*');
  for (let i = 0; i < all.length && i < 20000 && out.length < 300; i++) {
    const el = all[i];
    if (skip.has(el.tagName)) continue;
    const t = (el.innerText || '').trim();
    if (!t || t.length > 30 || !money.test(t)) continue;
    let inChild = false;
    for (const c of el.children) {
      if (money.test((c.innerText || '').trim())) { inChild = true; break; }
    }
    if (inChild) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || parseFloat(cs.opacity) === 0) continue;
    let font = parseFloat(cs.fontSize) || 0;
    for (const d of el.getElementsByTagName('*')) font = Math.max(font, parseFloat(getComputedStyle(d).fontSize) || 0);
    let struck = false;
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      if (e.tagName === 'DEL' || e.tagName === 'S' ||
          (getComputedStyle(e).textDecorationLine || '').includes('line-through')) { struck = true; break; }
    }
    out.push({text: t, font_px: font, x: r.left + window.scrollX, y: r.top + window.scrollY,
              w: r.width, h: r.height, struck});
  }
  return out;
}"""


def build_record(kind: str, html: str, url: str, *, status: int | None, title: str,
                 hints: list[dict[str, Any]] | None = None, captured_at: datetime | None = None,
                 timezone: str | None = None) -> dict[str, Any]:
    """The record for a snapshot. Listings and chats go through their extractors.

    ``captured_at`` and ``timezone`` anchor a chat's relative times (今天 14:02, 昨天).
    """
    try:
        if kind == "listing":
            record = extract_listing(html.encode("utf-8"), url, hints=hints,
                                     content_type="text/html; charset=utf-8")
        elif kind == "chat":
            record = extract_chat(html, url, captured_at=captured_at, timezone=timezone)
        else:
            record = _minimal(kind, url, title)
    except ExtractError as exc:
        record = _minimal(kind, url, title)
        record["warnings"] = [f"extract: {exc}"]
    record["status"] = status
    if record.get("title") is None and title.strip():
        record["title"] = title.strip()
    return record


def mark_blocked(record: dict[str, Any], html: str, url: str, *, status: int | None, title: str,
                 text: str) -> str | None:
    """Flag a login wall / captcha / anti-bot page in the record; the warning to keep, if any."""
    from extractors.blocked import detect_blocked

    if record.get("kind") == "chat":
        return None
    blocked = detect_blocked(html, url, status=status, title=title, text=text,
                             has_price=bool(record.get("price") or record.get("price_range")))
    if blocked is None:
        return None
    record["blocked"] = blocked
    return f"blocked: {blocked['kind']} page ({blocked['reason']}); not the listing"


def _minimal(kind: str, url: str, title: str) -> dict[str, Any]:
    return {"schema": f"jianyipai.{kind}/1", "kind": kind, "url": url,
            "title": title.strip() or None, "warnings": []}
