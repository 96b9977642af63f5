/* Listing page behaviour: lazy images, script-set price, late recommendations. */
(function () {
  "use strict";

  function loadImage(img) {
    var src = img.getAttribute("data-src");
    if (src) {
      img.setAttribute("src", src);
      img.removeAttribute("data-src");
      img.classList.add("loaded");
    }
  }

  function lazyImages() {
    var imgs = document.querySelectorAll("img[data-src]");
    if (!("IntersectionObserver" in window)) {
      imgs.forEach(loadImage);
      return;
    }
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { loadImage(e.target); io.unobserve(e.target); }
      });
    }, { rootMargin: "100px 0px" });
    imgs.forEach(function (img) { io.observe(img); });
  }

  function fillPrice() {
    var box = document.querySelector("[data-price-api]");
    if (!box) { return; }
    var delay = parseInt(box.getAttribute("data-price-delay") || "300", 10);
    setTimeout(function () {
      fetch(box.getAttribute("data-price-api"), { cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (p) {
          box.querySelector(".price").textContent = p.symbol + p.price;
          var orig = box.querySelector(".price-original");
          if (orig && p.original) { orig.textContent = p.symbol + p.original; }
          var coupon = box.querySelector(".coupon-line");
          if (coupon && p.coupon) { coupon.textContent = p.coupon; }
          box.setAttribute("data-price-ready", "1");
        });
    }, delay);
  }

  function tile(r) {
    var a = document.createElement("a");
    a.className = "tile";
    a.href = r.url;
    var img = document.createElement("img");
    img.src = r.img;
    img.alt = r.title;
    var t = document.createElement("div");
    t.textContent = r.title;
    var p = document.createElement("div");
    p.className = "t-price";
    p.textContent = r.price;
    a.appendChild(img); a.appendChild(t); a.appendChild(p);
    return a;
  }

  function recommendations() {
    var sentinel = document.getElementById("reco-sentinel");
    if (!sentinel) { return; }
    var done = false;
    function load() {
      if (done) { return; }
      done = true;
      fetch(sentinel.getAttribute("data-api"), { cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (items) {
          var sec = document.createElement("section");
          sec.className = "card recommendations";
          sec.id = "recommendations";
          var h = document.createElement("h2");
          h.className = "section-title";
          h.textContent = sentinel.getAttribute("data-title") || "猜你喜欢";
          var grid = document.createElement("div");
          grid.className = "grid";
          items.forEach(function (r) { grid.appendChild(tile(r)); });
          sec.appendChild(h); sec.appendChild(grid);
          sentinel.parentNode.insertBefore(sec, sentinel);
        });
    }
    var io = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { io.disconnect(); load(); }
    }, { rootMargin: "0px 0px 400px 0px" });
    io.observe(sentinel);
  }

  document.addEventListener("DOMContentLoaded", function () {
    lazyImages();
    fillPrice();
    recommendations();
  });
})();
