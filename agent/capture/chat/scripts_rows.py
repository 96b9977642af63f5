"""The part of the in-page chat library (:data:`agent.capture.chat.scripts.CHAT_LIB_JS`)
that reads rows: each unit of the list in visual order with a stable key, its HTML (open
shadow roots flattened into it), and the frame's document with the list holding the rows
collected (for the record, when the page's own DOM does not hold them all).

A fragment of the library's closure: it uses ``st``, ``rowsOf``, ``topsOf``, ``isLoading``
and the other helpers defined there, and defines ``collect`` and ``documentWith``.

Keys: the platform's message id when the row or a child carries one (``data-id``,
``data-msg-id`` …), else a hash of the row's tag, text (read receipts such as 已读 left
out) and media addresses, so that a recycled row element holding another message gets
another key, and the same message drawn twice gets the same one.
"""
from __future__ import annotations

ROWS_JS = r"""
      const esc = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\u00a0/g, '&nbsp;');
      const escAttr = (t) => t.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/\u00a0/g, '&nbsp;');
      const nameOf = (el) => el.namespaceURI === 'http://www.w3.org/1999/xhtml' ? el.tagName.toLowerCase() : el.localName;
      const openTag = (el) => '<' + nameOf(el) + [...el.attributes].map(a => ' ' + a.name + '="' + escAttr(a.value) + '"').join('') + '>';
      const hasShadow = (el) => {
        if (el.shadowRoot) return true;
        for (const d of el.querySelectorAll('*')) if (d.shadowRoot) return true;
        return false;
      };
      // the flat tree: open shadow roots in place of their host's children, slots filled
      function flat(node) {
        if (node.nodeType === 3) return node.parentNode && RAW.has(node.parentNode.nodeName) ? node.data : esc(node.data);
        if (node.nodeType === 8) return '<!--' + node.data + '-->';
        if (node.nodeType !== 1) return '';
        const name = nameOf(node);
        if (name === 'slot') {
          const given = node.assignedNodes ? node.assignedNodes({flatten: true}) : [];
          return (given.length ? given : [...node.childNodes]).map(flat).join('');
        }
        if (name === 'template') return node.outerHTML;
        if (VOID.has(name)) return openTag(node);
        const kids = node.shadowRoot ? [...node.shadowRoot.childNodes] : [...node.childNodes];
        return openTag(node) + kids.map(flat).join('') + '</' + name + '>';
      }
      const html = (el) => hasShadow(el) ? flat(el) : el.outerHTML;
      // a stable key: the platform's message id when the row carries one, else its content
      const hash = (str) => {
        let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
        for (let i = 0; i < str.length; i++) {
          const c = str.charCodeAt(i);
          h1 = Math.imul(h1 ^ c, 2654435761); h2 = Math.imul(h2 ^ c, 1597334677);
        }
        h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
        h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
        return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
      };
      const keyOf = (u) => {
        for (const el of [u, u.querySelector(ID_SEL)]) {
          if (!el) continue;
          for (const a of ID_ATTRS) { const v = el.getAttribute(a); if (v) return 'id:' + a + '=' + v; }
        }
        const text = (u.shadowRoot || hasShadow(u) ? flat(u).replace(/<[^>]*>/g, ' ') : u.textContent || '')
          .replace(/已读|未读|已送达/g, '').replace(/\s+/g, ' ').trim();
        const media = [...u.querySelectorAll('img,video,a[href]')].map(m => m.getAttribute('src') || m.getAttribute('href') || '').join('|');
        return 'c:' + hash(u.tagName + '|' + text + '|' + media);
      };
      const unitsOf = (s) => {
        const {rows, list} = rowsOf(s);
        if (!list) return {list: null, units: [], rows};
        const units = [...list.children].filter(u => !isLoading(u) && !RAW.has(u.tagName) && u.tagName !== 'TEMPLATE');
        const placed = topsOf(units, list);
        const sorted = [...placed].sort((a, b) => (a.t - b.t) || (a.i - b.i));
        return {list, rows, units: sorted.map(p => p.u), reordered: sorted.some((p, k) => p.i !== k)};
      };

      function collect() {
        const s = st();
        if (!s || !s.box || !s.box.isConnected) return {gone: true};
        const {units, rows, reordered} = unitsOf(s);
        const rowSet = new Set(rows);
        const out = [];
        for (const u of units) {
          if (!u.getClientRects().length) continue;  // not drawn (a spare row of a recycling list)
          const k = keyOf(u);
          const item = {k, r: rowSet.has(u) ? 1 : 0};
          if (!s.sent.has(k)) { item.h = html(u); s.sent.add(k); }
          out.push(item);
        }
        return {gone: false, units: out, reordered: !!reordered, top: s.box.scrollTop};
      }

      // the document with the list's contents replaced; shadow roots on the path flattened
      function documentWith({rows}) {
        const s = st();
        if (!s || !s.box || !s.box.isConnected) return null;
        const {list, units} = unitsOf(s);
        if (!list) return null;
        const inner = rows ? rows.join('') : units.map(html).join('');
        const path = new Set();
        const roots = new Set();
        for (let n = list; n; ) {
          path.add(n);
          const p = n.parentNode;
          if (p && p.nodeType === 11 && p.host) { roots.add(p); n = p.host; } else n = n.parentElement;
        }
        const ser = (node) => {
          if (node.nodeType === 1 && path.has(node)) {
            const name = nameOf(node);
            let body;
            if (node === list) body = inner;
            else if (node.shadowRoot && roots.has(node.shadowRoot)) body = [...node.shadowRoot.childNodes].map(flatInPath).join('');
            else body = [...node.childNodes].map(ser).join('');
            return openTag(node) + body + '</' + name + '>';
          }
          if (node.nodeType === 1) return node.outerHTML;
          return flat(node);
        };
        // inside a shadow root on the path: the flat tree, the path still honoured
        const flatInPath = (node) => node.nodeType === 1 && path.has(node) ? ser(node) : flat(node);
        const dt = document.doctype ? '<!DOCTYPE ' + document.doctype.name + '>\n' : '';
        return dt + ser(document.documentElement);
      }

"""
