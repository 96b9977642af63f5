"""The scripts the capture runs inside the page: settling, price hints, personal data.

None of them changes what the page shows. State they keep lives in non-enumerable
properties that no page script and no DOM snapshot sees. The chat's scripts, which find,
scroll, read and expand a thread in any frame, are in :mod:`agent.capture.chat.scripts`.
"""
from __future__ import annotations

# -- settling (agent.capture.settle) ----------------------------------------------------

# Installed once per page; the observer lives in a closure, reachable by one property.
WATCH_DOM_JS = """() => {
  if (window.__jianyipaiLastMutation) return true;
  let last = performance.now();
  const obs = new MutationObserver(() => { last = performance.now(); });
  obs.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  Object.defineProperty(window, '__jianyipaiLastMutation', {value: () => last, enumerable: false});
  return true;
}"""
# How long the DOM has been still, once that reaches ``quiet`` ms or ``most`` ms have passed:
# the page waits on its own timer (null when the watch is not installed: a new document).
DOM_STILL_JS = """async ([quiet, most]) => {
  const last = window.__jianyipaiLastMutation;
  if (!last) return null;
  const end = performance.now() + most;
  for (;;) {
    const now = performance.now(), still = now - last();
    if (still >= quiet || now >= end) return still;
    await new Promise((done) => setTimeout(done, Math.min(quiet - still, end - now) + 1));
  }
}"""
# Scroll down ``step`` px at a time, letting a frame pass after each and ``delay`` ms more,
# until the bottom, ``limit`` px, a step that does not move, or ``budget`` ms; then say where
# the page is. A frame is enough: the scroll event is dispatched at its start, and intersection
# observers take their records in it (the task after its animation-frame callbacks comes once
# they are taken; their callbacks see where the page was, however far it has moved since).
SCROLL_RUN_JS = """async ([step, limit, delay, budget]) => {
  const el = document.documentElement, body = document.body;
  const where = () => ({height: Math.max(el ? el.scrollHeight : 0, body ? body.scrollHeight : 0),
                        y: window.scrollY, viewport: window.innerHeight, stuck: false});
  const end = performance.now() + budget;
  let s = where();
  while (s.y + s.viewport < Math.min(s.height, limit) - 2 && performance.now() < end) {
    const from = s.y;
    window.scrollTo(0, Math.min(from + step, limit));
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    if (delay) await new Promise((done) => setTimeout(done, delay));
    s = where();
    if (s.y <= from) { s.stuck = true; break; }
  }
  return s;
}"""
HEIGHT_JS = """() => Math.max(
  document.documentElement ? document.documentElement.scrollHeight : 0,
  document.body ? document.body.scrollHeight : 0)"""


# -- listing price hints (agent.capture.phases) -------------------------------------------

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


# -- a checkout's boxes (agent.capture.phases) ---------------------------------------------

# The live state of every checkbox and radio, in document order: page.content() saves the
# ``checked`` attribute (the default the server sent), not what the page shows, so a box a
# script ticked looks unticked there and one the buyer unticked still looks ticked. Read
# only; ``extractors.checkout`` matches them to the saved page by position, id and name.
CHECKED_BOXES_JS = """() => {
  const boxes = document.querySelectorAll('input[type=checkbox i], input[type=radio i]');
  const out = [];
  for (let n = 0; n < boxes.length && n < 5000; n++) {
    const el = boxes[n];
    out.push({n, type: (el.getAttribute('type') || '').toLowerCase(),
              id: el.getAttribute('id') || '', name: el.getAttribute('name') || '',
              checked: el.checked === true});
  }
  return out;
}"""


# -- where personal data is drawn (storage.evidence.screenmask paints over it) ----------

# Text nodes are joined per block-level element (so 138<b>1234</b>5678 is one number, but
# two table cells are not); each match becomes a Range whose client rects are the boxes.
# Rects clipped away by an overflow:hidden/scroll ancestor are cut to what is visible.
PII_BOXES_JS = """(patterns) => {
  const out = {boxes: [], dpr: window.devicePixelRatio || 1};
  if (!document.body) return out;
  const res = patterns.map(([kind, src]) => [kind, new RegExp(src, 'g')]);
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION', 'TITLE']);
  const blocks = new Map();
  const blockOf = (el) => {
    if (blocks.has(el)) return blocks.get(el);
    let b = document.body;
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const d = getComputedStyle(e).display;
      if (!d.startsWith('inline') && d !== 'contents') { b = e; break; }
    }
    blocks.set(el, b);
    return b;
  };
  const clipOf = (el) => {
    let c = {l: -Infinity, t: -Infinity, r: Infinity, b: Infinity};
    for (let e = el; e && e !== document.body && e !== document.documentElement; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
        const r = e.getBoundingClientRect();
        c = {l: Math.max(c.l, r.left), t: Math.max(c.t, r.top),
             r: Math.min(c.r, r.right), b: Math.min(c.b, r.bottom)};
      }
    }
    return c;
  };
  const runs = [];
  let cur = null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(), i = 0; n && i < 100000; n = walker.nextNode(), i++) {
    const p = n.parentElement;
    if (!p || skip.has(p.tagName)) continue;
    const b = blockOf(p);
    if (!cur || cur.block !== b) { cur = {block: b, nodes: [], starts: [], text: ''}; runs.push(cur); }
    cur.nodes.push(n); cur.starts.push(cur.text.length);
    cur.text += n.data.replace(/\\s/g, ' ');
  }
  const at = (run, pos, end) => {
    let k = 0;
    while (k + 1 < run.nodes.length && (run.starts[k + 1] < pos || (!end && run.starts[k + 1] === pos))) k++;
    return [run.nodes[k], pos - run.starts[k]];
  };
  const sx = window.scrollX, sy = window.scrollY;
  for (const run of runs) {
    if (!/[0-9@路街道巷弄村号]/.test(run.text)) continue;
    for (const [kind, re] of res) {
      re.lastIndex = 0;
      let m;
      while ((m = re.exec(run.text)) && out.boxes.length < 5000) {
        if (m[0].length === 0) { re.lastIndex++; continue; }
        const [sn, so] = at(run, m.index, false);
        const [en, eo] = at(run, m.index + m[0].length, true);
        const range = document.createRange();
        try { range.setStart(sn, so); range.setEnd(en, eo); } catch (e) { continue; }
        const style = getComputedStyle(sn.parentElement);
        if (style.visibility === 'hidden' || parseFloat(style.opacity) === 0) continue;
        const clip = clipOf(sn.parentElement);
        for (const r of range.getClientRects()) {
          const l = Math.max(r.left, clip.l), t = Math.max(r.top, clip.t);
          const w = Math.min(r.right, clip.r) - l, h = Math.min(r.bottom, clip.b) - t;
          if (w <= 0 || h <= 0) continue;
          out.boxes.push({kind, x: l + sx, y: t + sy, w, h});
        }
      }
    }
  }
  return out;
}"""
