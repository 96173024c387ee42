// Group-buy pages: countdowns (hh:mm:ss from the seconds the server counted; the page reloads when one reaches 0,
// so the group shows as it closed) and the share button (the system share sheet, else copy the link).
(function () {
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function format(s) {
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    return (d > 0 ? d + "d " : "") + pad(h) + ":" + pad(m) + ":" + pad(sec);
  }
  function countdowns() {
    var nodes = document.querySelectorAll("[data-seconds]");
    var started = Date.now();
    var reloaded = false;
    function tick() {
      nodes.forEach(function (el) {
        var left = Math.max(0, parseInt(el.getAttribute("data-seconds"), 10) - Math.floor((Date.now() - started) / 1000));
        el.textContent = format(left);
        if (left === 0 && el.hasAttribute("data-reload") && !reloaded) {
          reloaded = true;
          setTimeout(function () { window.location.reload(); }, 1500);
        }
      });
    }
    if (nodes.length) { tick(); setInterval(tick, 1000); }
  }
  function shareButtons() {
    document.querySelectorAll("[data-share]").forEach(function (button) {
      button.addEventListener("click", function () {
        var url = button.getAttribute("data-share"), title = button.getAttribute("data-title") || document.title;
        if (navigator.share) { navigator.share({ title: title, url: url }).catch(function () {}); return; }
        var input = document.getElementById(button.getAttribute("data-input"));
        function done() { button.textContent = button.getAttribute("data-copied") || "OK"; }
        if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(url).then(done, function () {}); return; }
        if (input) { input.focus(); input.select(); try { document.execCommand("copy"); done(); } catch (e) { /* selected for a manual copy */ } }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { countdowns(); shareButtons(); });
})();
