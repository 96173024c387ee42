/* Flash-sale countdowns: every [data-countdown] shows the time left to its moment (ms since the epoch) on the
   server's clock (the page gives it in data-server-now, so a phone's wrong clock changes nothing); a buy button
   with data-opens turns into the live button when its session starts; a page whose session starts or ends
   reloads itself so the state it shows is the server's. The server decides anyway: this only saves a reload. */
(function () {
  var root = document.querySelector("[data-server-now]");
  if (!root) return;
  var skew = Number(root.getAttribute("data-server-now")) - Date.now();
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function text(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    return (d > 0 ? d + "天 " : "") + pad(h) + ":" + pad(m) + ":" + pad(s % 60);
  }
  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      el.textContent = text(Number(el.getAttribute("data-countdown")) - now);
    });
    document.querySelectorAll("button[data-opens]").forEach(function (b) {
      if (now >= Number(b.getAttribute("data-opens"))) {
        b.removeAttribute("data-opens");
        b.disabled = false;
        b.textContent = b.getAttribute("data-live-label");
        b.classList.add("live");
      }
    });
    document.querySelectorAll("[data-reload-at]").forEach(function (el) {
      if (now >= Number(el.getAttribute("data-reload-at")) + 1500) {
        el.removeAttribute("data-reload-at");
        window.location.reload();
      }
    });
  }
  tick();
  setInterval(tick, 1000);
})();
