/* The /im/ chat windows (im_pages.py): lists filled after load, a windowed list, a widget
   in a shadow root. Written the way real web chats behave, not the way the capture wants. */
(function () {
  "use strict";

  var ROLE = {
    im: {buyer: "im-self", seller: "im-other", system: "im-sys", bot: "im-bot"},
    cs: {buyer: "cs-msg--customer", seller: "cs-msg--agent", system: "cs-msg--system", bot: "cs-msg--bot"},
    v: {buyer: "from-me", seller: "from-shop", system: "from-sys", bot: "from-bot"}
  };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  var RENDER = {
    im: function (m) {
      var li = el("li", "im-item " + ROLE.im[m.role]);
      li.setAttribute("data-msg-id", String(m.id));
      var meta = el("div", "im-meta");
      if (m.role !== "system") { meta.appendChild(el("span", "im-name", m.sender)); }
      meta.appendChild(el("span", "im-time", m.time));
      li.appendChild(meta);
      li.appendChild(el("div", "im-text", m.text));
      return li;
    },
    cs: function (m) {
      var row = el("div", "cs-msg " + ROLE.cs[m.role]);
      var head = el("div", "cs-msg__head");
      if (m.role !== "system") { head.appendChild(el("span", "cs-msg__name", m.sender)); }
      head.appendChild(el("time", "cs-msg__time", m.time));
      row.appendChild(head);
      row.appendChild(el("div", "cs-msg__body", m.text));
      return row;
    }
  };

  function getJSON(url) {
    return fetch(url, {cache: "no-store"}).then(function (r) { return r.json(); });
  }

  /* A list that is empty at load: the newest page arrives a moment later, older pages
     when the list is scrolled to the top. */
  function lateList(box) {
    var style = box.getAttribute("data-style") || "im";
    // column-reverse: the box is the list, newest row first in the DOM, scrollTop 0 at the bottom
    var reverse = box.hasAttribute("data-reverse");
    // remount: after each older page the framework replaces the whole list element
    var remount = box.hasAttribute("data-remount");
    var list = reverse ? box : box.firstElementChild;
    var api = box.getAttribute("data-api");
    var size = box.getAttribute("data-size") || "20";
    var draw = RENDER[style];
    var tag = style === "im" ? "li" : "div";
    var oldest = null, hasMore = true, loading = false;

    function atTop() {
      return reverse ? box.scrollHeight - box.clientHeight + box.scrollTop <= 8 : box.scrollTop <= 8;
    }

    function older(node) {  // put a row above every other row
      if (reverse) { list.appendChild(node); } else { list.insertBefore(node, list.firstChild); }
    }

    function load(first) {
      if (loading || !hasMore) { return; }
      loading = true;
      var spinner = el(tag, style + "-loading", "加载中…");
      older(spinner);
      var before = box.scrollHeight - box.scrollTop;
      getJSON(api + "?limit=" + size + (oldest ? "&before=" + oldest : ""))
        .then(function (page) {
          spinner.remove();
          var rows = [], day = null;
          page.messages.forEach(function (m) {
            var d = String(m.time).split(" ")[0];
            // a sticky date row above each day's first message (the im markup only)
            if (style === "im" && d !== day) { rows.push(el(tag, "im-date", d)); day = d; }
            rows.push(draw(m));
          });
          rows.reverse().forEach(older);
          oldest = page.oldest;
          hasMore = page.has_more;
          if (!hasMore) { older(el(tag, style + "-tip", "没有更多消息了")); }
          if (!reverse) { box.scrollTop = first ? box.scrollHeight : box.scrollHeight - before; }
          loading = false;
          if (remount && !first) {
            var top = box.scrollTop;
            var fresh = box.cloneNode(true);
            box.replaceWith(fresh);
            box = fresh;
            list = reverse ? box : box.firstElementChild;
            box.scrollTop = top;
            box.addEventListener("scroll", onScroll);
          }
        })
        .catch(function () { spinner.remove(); loading = false; });
    }

    function onScroll() { if (atTop()) { load(false); } }
    box.addEventListener("scroll", onScroll);
    load(true);
  }

  /* A windowed list: rows of fixed height, absolutely positioned; only those near the
     viewport are in the DOM, and row elements are reused (their content rewritten). */
  function windowedList(box) {
    var ROW = 56, HEAD = 40, OVERSCAN = 3;
    var inner = box.querySelector(".vlist-inner");
    var head = box.querySelector(".vlist-head");
    var api = box.getAttribute("data-api");
    var size = box.getAttribute("data-size") || "30";
    var items = [], hasMore = true, loading = false;
    var live = {};  // index -> row element
    var spare = [];

    function fill(row, m) {
      row.className = "vrow " + ROLE.v[m.role];
      row.textContent = "";
      var h = el("div", "v-head");
      if (m.role !== "system") { h.appendChild(el("span", "v-name", m.sender)); h.appendChild(document.createTextNode(" ")); }
      h.appendChild(el("span", "v-time", m.time));
      row.appendChild(h);
      row.appendChild(el("div", "v-text", m.text));
    }

    function render() {
      inner.style.height = (HEAD + items.length * ROW) + "px";
      var first = Math.max(0, Math.floor((box.scrollTop - HEAD) / ROW) - OVERSCAN);
      var last = Math.min(items.length - 1, Math.ceil((box.scrollTop + box.clientHeight - HEAD) / ROW) + OVERSCAN);
      Object.keys(live).forEach(function (k) {
        var i = Number(k);
        if (i < first || i > last) { spare.push(live[k]); delete live[k]; }
      });
      for (var i = first; i <= last; i++) {
        if (live[i]) { continue; }
        var row = spare.pop();
        if (!row) { row = el("div", "vrow"); inner.appendChild(row); }
        fill(row, items[i]);
        row.style.top = (HEAD + i * ROW) + "px";
        row.style.display = "";
        live[i] = row;
      }
      spare.forEach(function (row) { row.style.display = "none"; });
      head.textContent = hasMore ? "" : "没有更多消息了";
    }

    function load(first) {
      if (loading || !hasMore) { return; }
      loading = true;
      head.textContent = "加载中…";
      head.classList.add("v-loading");
      var oldest = items.length ? items[0].id : null;
      getJSON(api + "?limit=" + size + (oldest ? "&before=" + oldest : ""))
        .then(function (page) {
          // the rows keep their index-based slots: renumber what is live
          var added = page.messages.length;
          var moved = {};
          Object.keys(live).forEach(function (k) { moved[Number(k) + added] = live[k]; });
          live = moved;
          items = page.messages.concat(items);
          hasMore = page.has_more;
          head.classList.remove("v-loading");
          loading = false;
          inner.style.height = (HEAD + items.length * ROW) + "px";
          if (first) { box.scrollTop = box.scrollHeight; } else { box.scrollTop += added * ROW; }
          Object.keys(live).forEach(function (k) { live[k].style.top = (HEAD + Number(k) * ROW) + "px"; });
          render();
        })
        .catch(function () { loading = false; });
    }

    box.addEventListener("scroll", function () {
      render();
      if (box.scrollTop < HEAD && !loading) { load(false); }
    });
    load(true);
  }

  function start(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-im-late]"), lateList);
    Array.prototype.forEach.call(root.querySelectorAll("[data-im-window]"), windowedList);
  }

  if (window.customElements && !customElements.get("kf-widget")) {
    customElements.define("kf-widget", class extends HTMLElement {
      connectedCallback() {
        if (this.shadowRoot) { return; }
        var root = this.attachShadow({mode: "open"});
        root.innerHTML = '<link rel="stylesheet" href="/static/im.css">' +
          '<div class="im-log" data-im-late data-style="im"><ul class="im-list"></ul></div>';
        var log = root.querySelector(".im-log");
        log.setAttribute("data-api", this.getAttribute("data-api"));
        log.setAttribute("data-size", this.getAttribute("data-size") || "20");
      }
    });
  }

  // the conversation is fetched a moment after load, as chat widgets do
  window.addEventListener("load", function () {
    setTimeout(function () {
      start(document);
      Array.prototype.forEach.call(document.querySelectorAll("kf-widget"), function (w) {
        if (w.shadowRoot) { start(w.shadowRoot); }
      });
    }, 500);
  });
})();
