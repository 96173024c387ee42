// The address book inside a form (checkout): Enter in the address editor saves the address (its HTMX button)
// instead of submitting the whole checkout form with the old address.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target || !event.target.closest) return;
    var editor = event.target.closest("#address-editor");
    if (!editor || event.target.tagName !== "INPUT") return;
    var save = document.getElementById("address-save");
    if (!save) return;
    event.preventDefault();
    save.click();
  });
})();
