/* The viewer's only script: zoom screenshots in and out; follow a job to its end. */
document.addEventListener("click", function (e) {
  var img = e.target.closest ? e.target.closest("img.zoomable") : null;
  if (img) { img.classList.toggle("zoomed"); }
});

/* A job page (#job): poll its status, show each item's phase; at the end open what it made. */
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("job");
  if (!box || box.dataset.state === "done" || box.dataset.state === "failed") { return; }
  var misses = 0;
  function show(status) {
    status.items.forEach(function (item, i) {
      var li = box.querySelector('.job-item[data-index="' + i + '"]');
      if (!li) { return; }
      li.className = "job-item phase-" + item.phase;
      var now = li.querySelector(".phase-now");
      now.textContent = item.label;
      now.dataset.phase = item.phase;
      li.querySelector(".job-error").textContent = item.error || "";
    });
    box.dataset.state = status.state;
  }
  function poll() {
    fetch(box.dataset.status, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.status === 404) { throw new Error("gone"); }
        if (!r.ok) { throw new Error("status " + r.status); }
        return r.json();
      })
      .then(function (status) {
        misses = 0;
        show(status);
        if (status.next) { location.replace(status.next); } else { setTimeout(poll, 500); }
      })
      .catch(function (err) {
        misses += 1;
        if (err.message === "gone" || misses > 20) {
          box.querySelector(".job-error").textContent = box.dataset.gone;
          return;
        }
        setTimeout(poll, 1000);
      });
  }
  poll();
});
