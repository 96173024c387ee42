/* The image viewer: tapping a picture inside a [data-gallery] block (a post's pictures) shows it full size over
   the page, with previous / next (buttons, arrow keys, a horizontal swipe) and close (button, Escape, a tap on
   the dark background). No inline script (the Content-Security-Policy forbids it): one delegated listener. */
(function () {
  var box = null, img = null, count = null, list = [], index = 0, startX = null;

  function build() {
    box = document.createElement("div");
    box.className = "lightbox";
    box.hidden = true;
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    img = document.createElement("img");
    img.alt = "";
    count = document.createElement("div");
    count.className = "lb-count";
    box.appendChild(img);
    box.appendChild(count);
    [["lb-close", "\u00d7", close], ["lb-prev", "\u2039", function () { show(index - 1); }],
     ["lb-next", "\u203a", function () { show(index + 1); }]].forEach(function (b) {
      var el = document.createElement("button");
      el.type = "button";
      el.className = b[0];
      el.textContent = b[1];
      el.setAttribute("aria-label", document.documentElement.lang.indexOf("zh") === 0
        ? {"lb-close": "关闭", "lb-prev": "上一张", "lb-next": "下一张"}[b[0]]
        : {"lb-close": "Close", "lb-prev": "Previous", "lb-next": "Next"}[b[0]]);
      el.addEventListener("click", function (evt) { evt.stopPropagation(); b[2](); });
      box.appendChild(el);
    });
    box.addEventListener("click", function (evt) { if (evt.target === box) close(); });
    box.addEventListener("touchstart", function (evt) { startX = evt.touches[0].clientX; }, {passive: true});
    box.addEventListener("touchend", function (evt) {
      if (startX === null) return;
      var dx = evt.changedTouches[0].clientX - startX;
      startX = null;
      if (Math.abs(dx) > 40) show(index + (dx < 0 ? 1 : -1));
    });
    document.body.appendChild(box);
  }

  function show(i) {
    if (!list.length) return;
    index = (i + list.length) % list.length;
    img.src = list[index].currentSrc || list[index].src;
    count.textContent = list.length > 1 ? (index + 1) + " / " + list.length : "";
    box.querySelector(".lb-prev").hidden = box.querySelector(".lb-next").hidden = list.length < 2;
  }

  function open(gallery, picture) {
    if (!box) build();
    list = Array.prototype.slice.call(gallery.querySelectorAll("img"));
    box.hidden = false;
    document.documentElement.style.overflow = "hidden";
    show(list.indexOf(picture));
  }

  function close() {
    if (!box) return;
    box.hidden = true;
    img.removeAttribute("src");
    document.documentElement.style.overflow = "";
  }

  document.addEventListener("click", function (evt) {
    var picture = evt.target instanceof Element ? evt.target.closest("[data-gallery] img") : null;
    if (!picture) return;
    evt.preventDefault();
    open(picture.closest("[data-gallery]"), picture);
  });
  document.addEventListener("keydown", function (evt) {
    if (!box || box.hidden) return;
    if (evt.key === "Escape") close();
    else if (evt.key === "ArrowLeft") show(index - 1);
    else if (evt.key === "ArrowRight") show(index + 1);
  });
})();
