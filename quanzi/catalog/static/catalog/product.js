/* The product page's small behaviours (catalog/detail.html); the page works without them:
   - the gallery's counter and dots follow the swipe; a dot scrolls to its slide without jumping the page
   - tapping a picture (or a buyer's photo, [data-preview]) opens it full size in a <dialog>; without script the
     link opens the picture itself
   - choosing a SKU chip (a radio) shows its price and member price, its name, the quantity it allows, and turns
     the gallery to its picture
   - a bar button that names a form not on the page ([data-needs-form], 客服 when chat offers no service) hides */
(function () {
  var track = document.getElementById("pd-track");
  var counter = document.getElementById("pd-counter");
  var dots = document.querySelectorAll(".pd-dot");

  function current() {
    return track && track.clientWidth ? Math.round(track.scrollLeft / track.clientWidth) : 0;
  }
  function showSlide(i) {
    if (!track) return;
    var slide = track.children[i];
    if (slide) track.scrollTo({ left: slide.offsetLeft - track.offsetLeft, behavior: "smooth" });
  }
  if (track) {
    var total = track.children.length;
    var ticking = false;
    track.addEventListener("scroll", function () {
      if (ticking) return;
      ticking = true;
      window.requestAnimationFrame(function () {
        ticking = false;
        var i = Math.min(total - 1, Math.max(0, current()));
        if (counter) counter.textContent = (i + 1) + " / " + total;
        dots.forEach(function (d, k) { d.classList.toggle("on", k === i); });
      });
    }, { passive: true });
    track.addEventListener("keydown", function (evt) {
      if (evt.key === "ArrowRight") { showSlide(Math.min(total - 1, current() + 1)); evt.preventDefault(); }
      if (evt.key === "ArrowLeft") { showSlide(Math.max(0, current() - 1)); evt.preventDefault(); }
    });
  }
  dots.forEach(function (d) {
    d.addEventListener("click", function (evt) {
      evt.preventDefault();
      showSlide(parseInt(d.getAttribute("data-slide"), 10) || 0);
    });
  });

  var preview = document.getElementById("pd-preview");
  document.addEventListener("click", function (evt) {
    var link = evt.target instanceof Element ? evt.target.closest("[data-preview]") : null;
    if (!link || !preview || typeof preview.showModal !== "function") return;
    evt.preventDefault();
    preview.querySelector("img").src = link.getAttribute("href");
    preview.showModal();
  });
  if (preview) {
    preview.addEventListener("click", function (evt) {
      if (evt.target === preview || evt.target.tagName === "IMG") preview.close();
    });
  }

  function setText(id, text) {
    var el = document.getElementById(id);
    if (el) el.textContent = text;
  }
  document.addEventListener("change", function (evt) {
    var input = evt.target;
    if (!(input instanceof HTMLInputElement) || input.name !== "sku_id" || !input.closest("#pd-skus")) return;
    setText("pd-price", input.getAttribute("data-price"));
    var member = input.getAttribute("data-member");
    var memberBox = document.getElementById("pd-member");
    if (memberBox) memberBox.hidden = !member;
    setText("pd-member-price", member || "");
    setText("pd-chosen", input.getAttribute("data-label"));
    var qty = document.getElementById("pd-qty");
    var stock = parseInt(input.getAttribute("data-stock"), 10);
    if (qty && stock > 0) {
      qty.max = String(Math.min(999, stock));
      if (parseInt(qty.value, 10) > stock) qty.value = String(stock);
    }
    if (input.hasAttribute("data-slide")) showSlide(parseInt(input.getAttribute("data-slide"), 10));
  });

  document.querySelectorAll("[data-needs-form]").forEach(function (button) {
    if (!button.form) button.hidden = true;
  });
})();
