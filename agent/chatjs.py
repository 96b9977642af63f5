"""The scripts chat capture runs in the page (see agent/chatcapture.py)."""
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
