/* The viewer's only script: zoom screenshots in and out. */
document.addEventListener("click", function (e) {
  var img = e.target.closest ? e.target.closest("img.zoomable") : null;
  if (img) { img.classList.toggle("zoomed"); }
});
