/* Live notices (quanzi/notify): every page of a signed-in member opens ws/notify/ (the bell link carries
   data-notify-ws); a notice updates the bell's badge (the member's unread count) and shows a toast for a few
   seconds. Reconnects with a growing delay; stops on 4401/4403 (not signed in / not allowed). No inline handlers
   (CSP): everything is bound here. */
(function () {
  "use strict";
  var bell = document.querySelector("[data-notify-ws]");
  if (!bell || !window.WebSocket) return;
  var delay = 1000;

  function setBadge(count) {
    var badge = document.getElementById("unread-badge");
    if (!count) { if (badge) badge.remove(); return; }
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "badge";
      badge.id = "unread-badge";
      bell.appendChild(badge);
    }
    badge.textContent = count > 99 ? "99+" : String(count);
  }

  function toast(notice) {
    var box = document.createElement("a");
    box.className = "notify-toast";
    box.setAttribute("role", "status");
    box.href = notice.url || "/notifications/";
    box.textContent = notice.text;
    document.body.appendChild(box);
    setTimeout(function () { box.classList.add("gone"); }, 4500);
    setTimeout(function () { box.remove(); }, 5000);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + bell.getAttribute("data-notify-ws"));
    ws.onopen = function () { delay = 1000; document.documentElement.setAttribute("data-notify-live", "1"); };
    ws.onmessage = function (e) {
      var data;
      try { data = JSON.parse(e.data); } catch (err) { return; }
      if (data.type === "notice") { setBadge(data.unread); toast(data); }
    };
    ws.onclose = function (e) {
      document.documentElement.removeAttribute("data-notify-live");
      if (e.code === 4401 || e.code === 4403) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
