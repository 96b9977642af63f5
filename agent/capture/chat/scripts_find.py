"""The part of the in-page chat library (:data:`agent.capture.chat.scripts.CHAT_LIB_JS`)
that finds the thread in one document: chat profiles' selectors first, then the visible
scrollable element whose subtree (open shadow roots included) holds the longest run of
sibling rows of one kind (same tag, same first class), rows that show times counting
double; failing that, a run of timed rows in the page itself (``generic:page`` when the
page scrolls, ``generic:static`` when nothing does). The container, the row selector and
the rows' parent are kept in ``window.__jianyipaiChat`` (not enumerable).

A fragment of the library's closure: it uses ``walk``, ``visible``, ``scrollable``,
``save`` and the other helpers defined there, and defines ``find``.
"""
from __future__ import annotations

FIND_JS = r"""
      const sigOf = (c) => c.tagName.toLowerCase() + (c.classList.length ? '.' + CSS.escape(c.classList[0]) : '');
      const runOf = (els) => {
        let best = {n: 0, sel: null, parent: null};
        for (const el of els) {
          if (el.children.length < 3) continue;
          const by = new Map();
          for (const c of el.children) {
            if (isLoading(c)) continue;
            const k = sigOf(c);
            by.set(k, (by.get(k) || 0) + 1);
          }
          for (const [sel, n] of by) if (n > best.n) best = {n, sel, parent: el};
        }
        return best;
      };
      const TIMED = /(^|[^\d])\d{1,2}[:：]\d{2}([^\d]|$)|刚刚|分钟前|昨天|今天/;
      const timedShare = (parent, sel) => {
        const rows = [...parent.children].filter(c => c.matches(sel)).slice(0, 50);
        if (!rows.length) return 0;
        return rows.filter(r => r.querySelector('time') || TIMED.test((r.textContent || '').slice(0, 300))).length / rows.length;
      };

      function find({specs, host, url}) {
        const {els, roots} = walk(document, 40000);
        const scopes = [document, ...roots];
        const q = (sels) => {
          for (const s of sels || []) for (const sc of scopes) {
            try { const el = sc.querySelector(s); if (el) return el; } catch (e) {}
          }
          return null;
        };
        const hostMatch = (spec) => host && spec.hosts.some(h => host === h || host.endsWith('.' + h)) &&
          (!spec.url || new RegExp(spec.url, 'i').test(url));
        const ordered = specs.filter(hostMatch).concat(specs.filter(s => !hostMatch(s)));
        const base = {nodes: els.length, shadowRoots: roots.length, ready: document.readyState};
        for (const spec of ordered) {
          const box = q(spec.scroll);
          if (!box) continue;
          let msg = null;
          for (const s of spec.message || []) {
            try { if (box.querySelector(s)) { msg = s; break; } } catch (e) {}
          }
          if (msg || hostMatch(spec)) {
            const n = msg ? box.querySelectorAll(msg).length : 0;
            save({box, how: 'profile:' + spec.name, sel: msg || (spec.message || [])[0] || null, list: null,
                  start: spec.start_marker || [], startText: spec.start_text, loading: spec.loading || [],
                  sent: new Set()});
            return {...base, how: 'profile:' + spec.name, n, timed: 1, scrollable: scrollable(box),
                    shadow: box.getRootNode() !== document};
          }
        }
        let best = null;
        for (const el of els) {
          if (el === document.documentElement || el === document.body) continue;
          if (!scrollable(el) || !visible(el)) continue;
          const run = runOf(walk(el, 20000).els);
          if (run.n < 3) continue;
          const timed = timedShare(run.parent, run.sel);
          const score = run.n * (1 + timed);
          if (!best || score > best.score) best = {box: el, score, timed, ...run};
        }
        const doc = document.scrollingElement || document.documentElement;
        let how = 'generic';
        if (!best && document.body) {
          const run = runOf(els);
          const timed = run.n >= 3 ? timedShare(run.parent, run.sel) : 0;
          if (run.n >= 3 && timed >= 0.3 && visible(run.parent)) {
            const pageScrolls = doc.scrollHeight > innerHeight + 20;
            best = {box: pageScrolls ? doc : run.parent, score: run.n, timed, ...run};
            how = pageScrolls ? 'generic:page' : 'generic:static';
          }
        }
        if (!best) { save({box: null, how: null}); return {...base, how: null}; }
        save({box: best.box, how, sel: best.sel, list: best.parent, start: [], startText: null,
              loading: [], sent: new Set()});
        return {...base, how, n: best.n, timed: best.timed,
                scrollable: how === 'generic:page' || (how === 'generic' && scrollable(best.box)),
                shadow: best.box.getRootNode() !== document || best.parent.getRootNode() !== document};
      }

"""
