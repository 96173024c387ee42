// The cashier's payment countdown (收银台): ticks the time left to pay every second; at zero it says so and
// disables the pay button (the server refuses a payment after the deadline anyway).
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("cashier-countdown");
    if (!box) return;
    var clock = box.querySelector(".cashier-clock");
    var left = parseInt(box.getAttribute("data-seconds-left") || "0", 10);
    var end = Date.now() + left * 1000;
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    function tick() {
      var s = Math.max(0, Math.round((end - Date.now()) / 1000));
      clock.textContent = pad(Math.floor(s / 60)) + ":" + pad(s % 60);
      if (s <= 0) {
        box.textContent = box.getAttribute("data-expired-text");
        var pay = document.getElementById("cashier-pay");
        if (pay) pay.disabled = true;
        return;
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
