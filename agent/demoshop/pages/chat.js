/* Seller chat: newest messages shown; scrolling to the top loads older pages.
   Two markups: the demo shop's own (#chat-scroll, .msg) and "plain" (/chat/plain: another
   shop's class names, and no start-of-history marker). */
(function () {
  "use strict";

  function render(m) {
    var div = document.createElement("div");
    div.className = "msg msg-" + (m.withdrawn ? "withdrawn" : m.role);
    div.setAttribute("data-id", String(m.id));
    div.setAttribute("data-role", m.role);
    if (!m.withdrawn) {
      var meta = document.createElement("div");
      meta.className = "meta";
      var s = document.createElement("span");
      s.className = "sender";
      s.textContent = m.sender;
      var t = document.createElement("time");
      t.className = "time";
      t.textContent = m.time;
      meta.appendChild(s); meta.appendChild(t);
      div.appendChild(meta);
    }
    var b = document.createElement("div");
    b.className = "bubble";
    if (m.image) {
      var img = document.createElement("img");
      img.src = m.image;
      img.alt = m.text;
      b.appendChild(img);
    } else {
      b.textContent = m.text;
    }
    div.appendChild(b);
    return div;
  }

  var SIDES = {buyer: "kf-right", seller: "kf-left", bot: "kf-left kf-robot", system: "kf-notice"};

  function renderPlain(m) {
    var div = document.createElement("div");
    div.className = "kf-row " + (m.withdrawn ? "kf-notice" : SIDES[m.role]);
    div.setAttribute("data-id", String(m.id));
    if (!m.withdrawn) {
      if (m.role !== "system") {
        var n = document.createElement("span");
        n.className = "kf-nick";
        n.textContent = m.sender;
        div.appendChild(n);
        div.appendChild(document.createTextNode(" "));
      }
      var t = document.createElement("span");
      t.className = "kf-stamp";
      t.textContent = m.time;
      div.appendChild(t);
    }
    var p = document.createElement("p");
    p.className = "kf-text";
    if (m.image) {
      var img = document.createElement("img");
      img.src = m.image;
      img.alt = m.text;
      p.appendChild(img);
    } else {
      p.textContent = m.text;
    }
    div.appendChild(p);
    return div;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("chat-scroll") || document.querySelector("[data-chat-api]");
    if (!box) { return; }
    var list = document.getElementById("chat-messages") || box.querySelector("[data-chat-list]");
    var api = box.getAttribute("data-api") || box.getAttribute("data-chat-api");
    var plain = box.getAttribute("data-style") === "plain";
    var marker = box.getAttribute("data-end-marker") !== "0";
    var draw = plain ? renderPlain : render;
    var loading = false;
    var hasMore = box.getAttribute("data-has-more") === "1";
    box.scrollTop = box.scrollHeight;

    function oldestId() {
      var first = list.querySelector("[data-id]");
      return first ? first.getAttribute("data-id") : "";
    }

    function loadOlder() {
      if (loading || !hasMore) { return; }
      loading = true;
      var spinner = document.createElement("div");
      spinner.className = plain ? "kf-loading" : "chat-loading";
      spinner.textContent = "加载中…";
      box.insertBefore(spinner, list);
      var before = box.scrollHeight;
      fetch(api + "?before=" + encodeURIComponent(oldestId()) + "&limit=20", { cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (page) {
          spinner.remove();
          var frag = document.createDocumentFragment();
          page.messages.forEach(function (m) { frag.appendChild(draw(m)); });
          list.insertBefore(frag, list.firstChild);
          hasMore = page.has_more;
          box.setAttribute("data-has-more", hasMore ? "1" : "0");
          if (!hasMore && marker) {
            var end = document.createElement("div");
            end.className = "chat-no-more";
            end.id = "chat-no-more";
            end.textContent = "没有更多消息了";
            box.insertBefore(end, list);
          }
          box.scrollTop = box.scrollHeight - before;
          loading = false;
        })
        .catch(function () { spinner.remove(); loading = false; });
    }

    box.addEventListener("scroll", function () {
      if (box.scrollTop <= 8) { loadOlder(); }
    });
  });
})();
