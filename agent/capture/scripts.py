"""Every script the capture runs inside the page, in one place.

None of them changes what the page shows, except ``EXPAND_JS`` (the chat thread grown to
its full height for the screenshot). State they keep lives in non-enumerable properties
that no page script and no DOM snapshot sees.
"""
from __future__ import annotations

# Finds the thread's scroll container and remembers it (and how to count its rows) in a
# property that no page script and no DOM snapshot sees.
FIND_JS = r"""
({specs, host, url}) => {
  const visible = (el) => {
    if (!el) return false;
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const q = (sels, root) => {
    for (const s of sels || []) {
      try { const el = (root || document).querySelector(s); if (el) return el; } catch (e) {}
    }
    return null;
  };
  const qAll = (sels, root) => {
    for (const s of sels || []) {
      try { const f = (root || document).querySelectorAll(s); if (f.length) return s; } catch (e) {}
    }
    return null;
  };
  const scrollable = (el) => {
    const cs = getComputedStyle(el);
    return /(auto|scroll|overlay)/.test(cs.overflowY) && el.scrollHeight > el.clientHeight + 20;
  };
  const save = (state) => {
    Object.defineProperty(window, '__jianyipaiChat', {value: state, configurable: true,
                                                      enumerable: false, writable: true});
    return state;
  };
  const hostMatch = (spec) => host && spec.hosts.some(h => host === h || host.endsWith('.' + h)) &&
    (!spec.url || new RegExp(spec.url, 'i').test(url));
  const ordered = specs.filter(hostMatch).concat(specs.filter(s => !hostMatch(s)));
  for (const spec of ordered) {
    const box = q(spec.scroll);
    const msg = box ? qAll(spec.message, box) : null;
    if (box && (msg || hostMatch(spec))) {
      return save({box, how: 'profile:' + spec.name, message: msg || (spec.message || [])[0] || null,
                   start: spec.start_marker || [], startText: spec.start_text,
                   loading: spec.loading || []});
    }
  }
  // Generic: the scrollable element whose subtree holds the longest run of sibling rows
  // of one kind (same tag, a shared class).
  const runOf = (root) => {
    let best = {n: 0, sel: null};
    const all = [root, ...root.querySelectorAll('*')].slice(0, 20000);
    for (const el of all) {
      if (el.children.length < 3) continue;
      const byKey = new Map();
      for (const c of el.children) {
        const cls = c.classList.length ? c.classList[0] : '';
        const key = c.tagName + '.' + cls;
        byKey.set(key, (byKey.get(key) || 0) + 1);
      }
      for (const [key, n] of byKey) {
        if (n > best.n) {
          const [tag, cls] = key.split('.');
          best = {n, sel: tag.toLowerCase() + (cls ? '.' + CSS.escape(cls) : '')};
        }
      }
    }
    return best;
  };
  const looksTimed = (root, sel) => {
    const rows = [...root.querySelectorAll(sel)].slice(0, 50);
    const timed = rows.filter(r => r.querySelector('time') ||
      /(^|[^\d])\d{1,2}[:：]\d{2}([^\d]|$)|刚刚|分钟前/.test((r.innerText || '').slice(0, 300)));
    return rows.length && timed.length / rows.length >= 0.3;
  };
  let best = null;
  for (const el of document.querySelectorAll('body *')) {
    if (!scrollable(el) || !visible(el)) continue;
    const run = runOf(el);
    if (run.n < 3) continue;
    if (!best || run.n > best.n) best = {box: el, n: run.n, sel: run.sel};
  }
  const doc = document.scrollingElement || document.documentElement;
  if (!best && doc) {
    const run = runOf(document.body || doc);
    if (run.n >= 5 && looksTimed(document.body || doc, run.sel)) best = {box: doc, n: run.n, sel: run.sel};
  }
  if (!best) return save({box: null, how: null});
  return save({box: best.box, how: best.box === doc ? 'generic:page' : 'generic', message: best.sel,
               start: [], startText: null, loading: []});
}
"""

STATE_JS = r"""
() => {
  const st = window.__jianyipaiChat;
  if (!st || !st.box || !st.box.isConnected) return null;
  const box = st.box;
  const isPage = box === document.scrollingElement || box === document.documentElement;
  const root = isPage ? document : box;
  let rows = [];
  try { rows = st.message ? root.querySelectorAll(st.message) : []; } catch (e) {}
  const first = rows.length ? rows[0] : null;
  const shown = (el) => el && el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility !== 'hidden';
  const any = (sels, scope) => (sels || []).some(s => {
    try { return [...scope.querySelectorAll(s)].some(shown); } catch (e) { return false; }
  });
  const head = (isPage ? document.body.innerText : box.innerText || '').slice(0, 600);
  const startRe = st.startText ? new RegExp(st.startText, 'i') :
    /没有更多(?:消息|了|聊天记录)|以上是全部|已经到顶|暂无更多|no more messages|beginning of (?:the |your )?(?:conversation|chat)|start of (?:the |your )?(?:conversation|chat)/i;
  let loading = any(st.loading, document);
  if (!loading) {
    for (const el of root.querySelectorAll('[class*=loading],[class*=spinner],[class*=loader]')) {
      if (shown(el)) { loading = true; break; }
    }
  }
  return {
    count: rows.length,
    first: first ? (first.getAttribute('data-id') || '') + '|' + (first.textContent || '').slice(0, 200) : '',
    height: box.scrollHeight,
    top: box.scrollTop,
    start: any(st.start, document) || startRe.test(head),
    loading,
  };
}
"""

SCROLL_JS = r"""
() => {
  const st = window.__jianyipaiChat;
  if (!st || !st.box) return false;
  const box = st.box;
  const isPage = box === document.scrollingElement || box === document.documentElement;
  if (box.scrollTop === 0 && box.scrollHeight > box.clientHeight) box.scrollTop = 1;
  box.scrollTop = 0;
  const target = isPage ? window : box;
  target.dispatchEvent(new Event('scroll'));
  box.dispatchEvent(new WheelEvent('wheel', {deltaY: -600, bubbles: true, cancelable: true}));
  return true;
}
"""

EXPAND_JS = r"""
() => {
  const st = window.__jianyipaiChat;
  if (!st || !st.box || !st.box.isConnected) return {state: 'none'};
  const box = st.box;
  if (box === document.scrollingElement || box === document.documentElement || box === document.body)
    return {state: 'page'};
  // From here on the page must not load more: swallow scroll and wheel events before any
  // of the page's own listeners see them.
  const stop = (e) => e.stopImmediatePropagation();
  window.addEventListener('scroll', stop, true);
  window.addEventListener('wheel', stop, true);
  const before = {scroll: box.scrollHeight, client: box.clientHeight};
  const set = (el, prop, value) => el.style.setProperty(prop, value, 'important');
  for (let el = box; el && el !== document.documentElement; el = el.parentElement) {
    const cs = getComputedStyle(el);
    set(el, 'height', 'auto');
    set(el, 'max-height', 'none');
    set(el, 'overflow', 'visible');
    set(el, 'flex', '0 0 auto');
    if (cs.position === 'fixed' || cs.position === 'sticky') set(el, 'position', 'absolute');
    if (cs.position === 'fixed' || cs.position === 'absolute' || cs.position === 'sticky') set(el, 'bottom', 'auto');
  }
  set(document.documentElement, 'height', 'auto');
  set(document.documentElement, 'overflow', 'visible');
  for (const img of box.querySelectorAll('img[loading=lazy]')) img.loading = 'eager';
  return {state: 'expanded', before, after: {scroll: box.scrollHeight, client: box.clientHeight}};
}
"""

IMAGES_DONE_JS = r"""
() => {
  const st = window.__jianyipaiChat;
  if (!st || !st.box) return true;
  return [...st.box.querySelectorAll('img')].every(i => i.complete);
}
"""


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
DOM_QUIET_MS_JS = "() => performance.now() - window.__jianyipaiLastMutation()"
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
