/* Loading state for every HTMX action (quanzi/templates/base.html): while a request runs, the button that sent it
   (or the submit buttons of the form that sent it) is disabled, so a second tap does not send it twice, and
   marked aria-busy; site.css draws the spinner on .htmx-request. Buttons that set their own hx-disabled-elt keep
   it. */
(function () {
  function buttonsOf(elt) {
    if (!elt || elt.hasAttribute("hx-disabled-elt")) return [];
    if (elt.tagName === "FORM") return Array.prototype.slice.call(elt.querySelectorAll("button:not([disabled]), input[type=submit]:not([disabled])"));
    if (elt.tagName === "BUTTON" && !elt.disabled) return [elt];
    return [];
  }
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var busy = buttonsOf(evt.detail.elt);
    busy.forEach(function (b) { b.disabled = true; b.setAttribute("aria-busy", "true"); b.classList.add("is-busy"); });
    evt.detail.elt.__quanziBusy = busy;
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    (evt.detail.elt.__quanziBusy || []).forEach(function (b) { b.disabled = false; b.removeAttribute("aria-busy"); b.classList.remove("is-busy"); });
    evt.detail.elt.__quanziBusy = [];
  });
})();
