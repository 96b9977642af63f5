"""The scripts a chat capture runs inside the page and its frames.

``CHAT_LIB_JS`` is one function, ``({fn, arg}) => result``, evaluated in whichever frame
holds the thread. The first call in a document defines the library in a non-enumerable
window property (no page script enumerates it, no DOM snapshot holds it); each call runs
one of its functions:

    find      look for the thread's scroll container (chat profiles first, then the
              scrollable element holding the longest run of like rows), through open
              shadow roots; remember it in ``window.__jianyipaiChat``
    state     the thread now: rows, first row, height, at the top, start marker, loading,
              ``sparse`` (the rows cover much less than the scroll height: a windowed list)
    scroll    to the top, one step up or down, or to the bottom (column-reverse lists too)
    collect   the list's rows in visual order, each with a stable key and, the first time
              it is seen, its HTML (open shadow roots inside a row are flattened into it)
    document  the frame's document with the list holding the given rows (or its current
              rows in visual order), open shadow roots on the way flattened into it
    expand    grow the container and its ancestors to full height (for the screenshot)
    rect      the container's box in page coordinates; ``images`` whether its images loaded

Only ``expand`` and ``scroll`` change the page; none adds anything to the DOM. ``find``
lives in :mod:`agent.capture.chat.scripts_find`, ``collect`` and ``document`` in
:mod:`agent.capture.chat.scripts_rows` (fragments of the same closure); the scripts run
on <iframe> elements in their parent frame are in :mod:`agent.capture.chat.frames`.
"""
from __future__ import annotations

from agent.capture.chat.scripts_find import FIND_JS
from agent.capture.chat.scripts_rows import ROWS_JS

# A fixed (or sticky) box becomes absolute where it was drawn, so it can grow downwards with
# the page; an absolute one keeps its top and lets go of its bottom. Used by the chat library
# and by agent.capture.chat.frames.
PIN_JS = r"""
  const pin = (el, cs, was) => {
    if (!/^(fixed|sticky|absolute)$/.test(cs.position)) return;
    const set = (prop, value) => el.style.setProperty(prop, value, 'important');
    if (cs.position !== 'absolute') set('position', 'absolute');
    set('bottom', 'auto');
    set('top', '0px');
    const now = el.getBoundingClientRect().top + scrollY;
    set('top', (was - now) + 'px');
  };
"""

CHAT_LIB_JS = r"""
(call) => {
  let L = window.__jianyipaiChatLib;
  if (!L) {
    L = (() => {
      const ID_ATTRS = ['data-id', 'data-msg-id', 'data-msgid', 'data-mid', 'data-message-id',
                        'data-uuid', 'data-msg-key', 'data-message-key'];
      const ID_SEL = ID_ATTRS.map(a => '[' + a + ']').join(',');
      const START_RE = /没有更多(?:消息|了|聊天记录)|以上是全部|已经到顶|暂无更多|no more messages|beginning of (?:the |your )?(?:conversation|chat)|start of (?:the |your )?(?:conversation|chat)/i;
      const LOADING_RE = /loading|spinner|loader/i;
      const RAW = new Set(['SCRIPT', 'STYLE', 'XMP', 'IFRAME', 'NOEMBED', 'NOFRAMES', 'PLAINTEXT', 'NOSCRIPT']);
      const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta',
                            'param', 'source', 'track', 'wbr']);
      const st = () => window.__jianyipaiChat;
      const save = (s) => {
        Object.defineProperty(window, '__jianyipaiChat', {value: s, configurable: true,
                                                          enumerable: false, writable: true});
        return s;
      };
      const up = (el) => el.parentElement || (el.parentNode && el.parentNode.host) || null;
""" + PIN_JS + r"""      const isPage = (box) => box === document.scrollingElement || box === document.documentElement ||
        box === document.body;
      const cssOf = (el) => getComputedStyle(el);
      const visible = (el) => {
        if (!el) return false;
        const r = el.getBoundingClientRect();
        const cs = cssOf(el);
        return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
      };
      const shown = (el) => el && el.getClientRects().length > 0 && cssOf(el).visibility !== 'hidden';
      const scrollable = (el) => /(auto|scroll|overlay)/.test(cssOf(el).overflowY) &&
        el.scrollHeight > el.clientHeight + 20;
      // every element under root, open shadow roots included, in document order
      const walk = (root, limit) => {
        const out = [], roots = [];
        const stack = [root];
        while (stack.length && out.length < limit) {
          const n = stack.pop();
          if (n.nodeType === 1) out.push(n);
          const kids = n.children ? [...n.children] : [];
          if (n.shadowRoot) { roots.push(n.shadowRoot); kids.unshift(...n.shadowRoot.children); }
          for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
        }
        return {els: out, roots};
      };
      const isLoading = (el) => LOADING_RE.test(typeof el.className === 'string' ? el.className : '');
      const textOf = (el) => (el.innerText || el.textContent || '');
""" + FIND_JS + r"""
      // the rows now, and the element that holds them (their nearest common ancestor)
      function rowsOf(s) {
        const box = s.box;
        let rows = [];
        const root = isPage(box) ? document : box;
        if (s.list && s.list.isConnected && s.sel) {
          rows = [...s.list.children].filter(c => { try { return c.matches(s.sel); } catch (e) { return false; } });
        }
        if (!rows.length && s.sel) {
          try { rows = [...root.querySelectorAll(s.sel)]; } catch (e) { rows = []; }
          if (!rows.length) {
            rows = walk(root, 40000).els.filter(c => { try { return c.matches(s.sel); } catch (e) { return false; } });
          }
        }
        let list = null;
        if (rows.length) {
          const first = rows[0], last = rows[rows.length - 1];
          const chain = new Set();
          for (let n = first.parentElement || first.parentNode; n; n = n.parentElement || n.parentNode) chain.add(n);
          for (let n = last.parentElement || last.parentNode; n; n = n.parentElement || n.parentNode) {
            if (chain.has(n)) { list = n; break; }
          }
          if (list && list.nodeType !== 1) list = first.parentElement;  // a shadow root: its host's first child
          s.list = list;
        }
        return {rows, list};
      }
      // where each unit is drawn; a sticky or fixed one (a date bar stuck to the top) counts
      // where it belongs, just before its neighbour in reading order
      const topsOf = (units, list) => {
        const rev = /column-reverse/.test(cssOf(list).flexDirection);
        const placed = units.map((u, i) => {
          const drawn = u.getClientRects().length > 0;
          const stuck = drawn && /^(sticky|fixed)$/.test(cssOf(u).position);
          return {u, i, t: drawn && !stuck ? u.getBoundingClientRect().top : null};
        });
        const near = (i, d) => {
          for (let k = i + d; k >= 0 && k < placed.length; k += d) if (placed[k].t !== null) return placed[k].t;
          return null;
        };
        for (const p of placed) {
          if (p.t !== null) continue;
          const next = near(p.i, rev ? -1 : 1), prev = near(p.i, rev ? 1 : -1);
          p.t = next !== null ? next - 0.5 : prev !== null ? prev + 0.5 : 0;
        }
        return placed;
      };
      const colReverse = (box) => /column-reverse/.test(cssOf(box).flexDirection) ||
        (box.firstElementChild && /column-reverse/.test(cssOf(box.firstElementChild).flexDirection) &&
         box.firstElementChild.scrollHeight <= box.clientHeight + 2);
      const minTop = (box) => colReverse(box) ? -(box.scrollHeight - box.clientHeight) : 0;
      const maxTop = (box) => colReverse(box) ? 0 : box.scrollHeight - box.clientHeight;

      function state() {
        const s = st();
        if (!s || !s.box || !s.box.isConnected) return {gone: true};
        const box = s.box;
        const {rows, list} = rowsOf(s);
        const any = (sels) => (sels || []).some(x => {
          try { return [...document.querySelectorAll(x)].some(shown); } catch (e) { return false; }
        });
        const scope = isPage(box) ? document : box;
        let loading = any(s.loading);
        if (!loading) {
          for (const el of scope.querySelectorAll('[class*=loading],[class*=spinner],[class*=loader]')) {
            if (shown(el)) { loading = true; break; }
          }
        }
        const startRe = s.startText ? new RegExp(s.startText, 'i') : START_RE;
        const head = (isPage(box) ? textOf(document.body) : textOf(box)).slice(0, 600);
        let start = any(s.start) || startRe.test(head);
        let top = Infinity, bottom = -Infinity;
        for (const r of rows) {
          if (!r.getClientRects().length) continue;
          const b = r.getBoundingClientRect();
          top = Math.min(top, b.top); bottom = Math.max(bottom, b.bottom);
        }
        if (!start && rows.length) {
          // a marker drawn above the first row (column-reverse lists keep it last in the DOM)
          const rowSet = new Set(rows);
          const around = [...(list ? list.children : []), ...box.children];
          for (const el of around) {
            if (rowSet.has(el) || !shown(el)) continue;
            if (el.getBoundingClientRect().bottom <= top + 4 && startRe.test(textOf(el).slice(0, 200))) {
              start = true; break;
            }
          }
        }
        const span = rows.length ? bottom - top : 0;
        const first = rows.length ? rows[0] : null;
        const last = rows.length ? rows[rows.length - 1] : null;
        const pos = box.scrollTop;
        return {
          gone: false, count: rows.length,
          first: first ? (first.getAttribute('data-id') || '') + '|' + (first.textContent || '').slice(0, 200) : '',
          last: last ? (last.textContent || '').slice(0, 200) : '',
          height: box.scrollHeight, client: box.clientHeight, top: pos,
          atTop: pos <= minTop(box) + 2, atBottom: pos >= maxTop(box) - 2,
          sparse: rows.length > 0 && !isPage(box) && box.scrollHeight - span > box.clientHeight * 0.75,
          start, loading,
        };
      }

      function scroll({to, frac}) {
        const s = st();
        if (!s || !s.box || !s.box.isConnected) return {gone: true};
        const box = s.box;
        const step = Math.max(40, box.clientHeight * (frac || 0.8));
        if (to === 'top') {
          if (box.scrollTop <= minTop(box) + 1 && box.scrollHeight > box.clientHeight) box.scrollTop = minTop(box) + 1;
          box.scrollTop = minTop(box);
        } else if (to === 'bottom') {
          box.scrollTop = maxTop(box);
        } else if (to === 'up') {
          box.scrollTop = Math.max(minTop(box), box.scrollTop - step);
        } else {
          box.scrollTop = Math.min(maxTop(box), box.scrollTop + step);
        }
        (isPage(box) ? window : box).dispatchEvent(new Event('scroll'));
        if (to === 'top') box.dispatchEvent(new WheelEvent('wheel', {deltaY: -600, bubbles: true, cancelable: true}));
        return new Promise((resolve) => {
          let done = false;
          const fin = () => { if (!done) { done = true; resolve({gone: false, top: box.scrollTop}); } };
          requestAnimationFrame(() => requestAnimationFrame(fin));
          setTimeout(fin, 150);
        });
      }

""" + ROWS_JS + r"""
      function expand() {
        const s = st();
        if (!s || !s.box || !s.box.isConnected) return {state: 'none'};
        const box = s.box;
        if (isPage(box)) return {state: 'page'};
        // from here on the page must not load more: swallow scroll and wheel events first
        const stop = (e) => e.stopImmediatePropagation();
        window.addEventListener('scroll', stop, true);
        window.addEventListener('wheel', stop, true);
        const before = {scroll: box.scrollHeight, client: box.clientHeight};
        const set = (el, prop, value) => el.style.setProperty(prop, value, 'important');
        const chain = [];  // read every box before changing any
        for (let el = box; el && el !== document.documentElement; el = up(el)) {
          chain.push([el, {position: cssOf(el).position}, el.getBoundingClientRect().top + scrollY]);
        }
        for (const [el, cs, was] of chain) {
          set(el, 'height', 'auto');
          set(el, 'max-height', 'none');
          set(el, 'overflow', 'visible');
          set(el, 'flex', '0 0 auto');
          pin(el, cs, was);
        }
        set(document.documentElement, 'height', 'auto');
        set(document.documentElement, 'overflow', 'visible');
        for (const img of box.querySelectorAll('img[loading=lazy]')) img.loading = 'eager';
        return {state: 'expanded', before, after: {scroll: box.scrollHeight, client: box.clientHeight}};
      }

      function rect() {
        const s = st();
        if (!s || !s.box || !s.box.isConnected) return null;
        const r = s.box.getBoundingClientRect();
        return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height,
                scroll: s.box.scrollHeight, client: s.box.clientHeight,
                doc: Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0),
                sx: scrollX, sy: scrollY, vw: innerWidth, vh: innerHeight};
      }

      function images() {
        const s = st();
        if (!s || !s.box) return true;
        return [...s.box.querySelectorAll('img')].every(i => i.complete);
      }

      return {find, state, scroll, collect, document: documentWith, expand, rect, images};
    })();
    Object.defineProperty(window, '__jianyipaiChatLib', {value: L, configurable: true, enumerable: false});
  }
  return L[call.fn](call.arg || {});
}
"""
