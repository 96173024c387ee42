/* The conversation page (chat/conversation.html): a WebSocket to /ws/chat/<id>/ brings new messages, rendered by
   the server for this viewer; text is sent over it while it is open. When the socket is down (or an image is
   attached) the composer posts through HTMX and the page polls for new messages every few seconds, so nothing
   depends on the socket. No inline handlers (CSP): everything is wired here. */
(function () {
  "use strict";
  var log = document.getElementById("chat-log");
  if (!log) return;
  var conversation = log.getAttribute("data-conversation");
  var form = document.getElementById("chat-composer");
  var statusEl = document.getElementById("chat-status");
  var errorBox = document.getElementById("chat-error");
  var socket = null;
  var open = false;
  var retry = 1000;
  var pollTimer = null;

  function lastId() {
    var max = parseInt(log.getAttribute("data-last") || "0", 10);
    log.querySelectorAll(".msg[data-id]").forEach(function (el) {
      var n = parseInt(el.getAttribute("data-id"), 10);
      if (n > max) max = n;
    });
    return max;
  }

  function settle() {
    // one element per message, whichever way it came (socket push, HTMX answer, poll)
    var seen = {};
    log.querySelectorAll(".msg[data-id]").forEach(function (el) {
      var key = el.getAttribute("data-id");
      if (seen[key]) el.remove(); else seen[key] = true;
    });
    var empty = document.getElementById("chat-empty");
    if (empty && log.querySelector(".msg")) empty.remove();
    window.scrollTo(0, document.body.scrollHeight);
  }

  function append(html) {
    log.insertAdjacentHTML("beforeend", html);
    settle();
  }

  function setStatus(online) {
    if (!statusEl) return;
    statusEl.textContent = statusEl.getAttribute(online ? "data-online" : "data-offline");
    statusEl.setAttribute("data-state", online ? "online" : "offline");
  }

  function poll() {
    fetch("/chat/c/" + conversation + "/messages/?after=" + lastId(), {headers: {"HX-Request": "true"},
                                                                      credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (html.trim()) append(html); })
      .catch(function () {});
  }

  function startPolling() {
    if (!pollTimer) pollTimer = window.setInterval(poll, 3000);
  }

  function stopPolling() {
    if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
  }

  function connect() {
    if (!("WebSocket" in window)) { setStatus(false); startPolling(); return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/chat/" + conversation + "/");
    socket.addEventListener("message", function (evt) {
      var data;
      try { data = JSON.parse(evt.data); } catch (e) { return; }
      if (data.type === "ready") {
        open = true; retry = 1000; setStatus(true); stopPolling(); poll();  // catch up on what came while away
      } else if (data.type === "message") {
        append(data.html);
        if (!data.mine && socket && open) socket.send(JSON.stringify({type: "read"}));
      } else if (data.type === "sent") {
        if (errorBox) errorBox.textContent = "";
      } else if (data.type === "error" && errorBox) {
        errorBox.textContent = data.message || data.code;
        errorBox.setAttribute("data-code", data.code || "");
      }
    });
    socket.addEventListener("close", function (evt) {
      open = false; setStatus(false); startPolling();
      if (evt.code >= 4400 && evt.code < 4500 && evt.code !== 4429) return;  // refused: polling only
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  if (form) {
    var body = form.querySelector("textarea[name=body]");
    var file = form.querySelector("input[type=file]");
    form.addEventListener("htmx:confirm", function (evt) {
      var hasFile = file && file.files && file.files.length > 0;
      if (open && socket && !hasFile) {
        evt.preventDefault();  // the socket carries it; the HTMX post is the fallback
        if (!body.value.trim()) return;
        socket.send(JSON.stringify({type: "send", body: body.value}));
        body.value = "";
      }
    });
    form.addEventListener("htmx:afterRequest", function (evt) {
      if (evt.detail.successful && !evt.detail.xhr.getResponseHeader("HX-Retarget")) {
        form.reset();
        if (errorBox) errorBox.textContent = "";
        settle();
      }
    });
    if (body) body.addEventListener("keydown", function (evt) {
      if (evt.key === "Enter" && !evt.shiftKey && !evt.isComposing) {
        evt.preventDefault();
        if (typeof form.requestSubmit === "function") form.requestSubmit(); else form.submit();
      }
    });
  }
  settle();
  connect();
})();
