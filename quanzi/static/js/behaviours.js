/* The small page behaviours that used to be inline event handlers (onclick=, onchange=, onsubmit=), which the
   Content-Security-Policy forbids (script-src 'self': no inline script of any kind; quanzi/core/prodconf.py).
   One delegated listener per event on the document, so elements HTMX swaps in later work too:
   - data-autosubmit            on an input/select: submit its form when it changes
   - data-confirm="question"    on a form: ask before submitting; "cancel" stops the submission
   - data-select-on-click       on a text input: select the whole text when tapped (share links)
   - data-copy-target="id" data-copied="已复制"  on a button: copy the value of #id, then show the text
   - data-reveal="name" [data-reveal-scope="form"]  on a select: every element carrying data-<name> in the
     scope (the document, or the select's form) is shown only when its data-<name> equals the selected value */
(function () {
  function reveal(select) {
    var name = select.getAttribute("data-reveal");
    var scope = select.getAttribute("data-reveal-scope") === "form" && select.form ? select.form : document;
    scope.querySelectorAll("[data-" + name + "]").forEach(function (el) {
      el.hidden = el.getAttribute("data-" + name) !== select.value;
    });
  }
  document.addEventListener("change", function (evt) {
    var el = evt.target;
    if (!(el instanceof Element)) return;
    if (el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
    if (el.hasAttribute("data-reveal")) reveal(el);
  });
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (form instanceof Element && form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
    }
  }, true);  /* capture: before HTMX or anything else on the form sends it */
  document.addEventListener("click", function (evt) {
    var el = evt.target instanceof Element ? evt.target.closest("[data-select-on-click], [data-copy-target]") : null;
    if (!el) return;
    if (el.hasAttribute("data-select-on-click") && typeof el.select === "function") el.select();
    if (el.hasAttribute("data-copy-target")) {
      var source = document.getElementById(el.getAttribute("data-copy-target"));
      if (source && navigator.clipboard) navigator.clipboard.writeText(source.value);
      if (el.hasAttribute("data-copied")) el.textContent = el.getAttribute("data-copied");
    }
  });
})();
