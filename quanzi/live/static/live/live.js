// The live room: one WebSocket (ws/live/<id>/) for comments, likes, viewers, pins and the end of the session.
// Frames and close codes: quanzi/live/consumers.py and quanzi/core/realtime.py (CloseCode).
(function () {
  "use strict";
  var room = document.getElementById("live-room");
  if (!room) return;
  var sessionId = room.dataset.session;
  var comments = document.getElementById("live-comments");
  var errorBox = document.getElementById("live-error");
  var form = document.getElementById("live-comment-form");
  var likeButton = document.getElementById("live-like");
  var heldNote = (document.getElementById("live-held-note") || {}).innerHTML || "";
  var closedNote = (document.getElementById("live-closed-note") || {}).innerHTML || "";
  var socket = null;
  var retries = 0;
  var finished = false;  // closed for good (ended, refused): no reconnect

  function text(id, value) { var el = document.getElementById(id); if (el) el.textContent = value; }
  function showError(message) { errorBox.textContent = message; errorBox.hidden = false; }

  function addComment(frame) {
    var li = document.createElement("li");
    var who = document.createElement("b");
    who.textContent = frame.user;
    li.appendChild(who);
    li.appendChild(document.createTextNode(" " + frame.body));
    if (frame.held) { li.className = "muted"; li.appendChild(document.createTextNode(" " + heldNote)); }
    comments.appendChild(li);
    while (comments.children.length > 200) comments.removeChild(comments.firstChild);
    comments.scrollTop = comments.scrollHeight;
  }

  function reloadPins() {
    fetch(room.dataset.pinsUrl, { credentials: "same-origin" }).then(function (r) { return r.text(); })
      .then(function (html) { document.getElementById("live-pins").innerHTML = html; });
  }

  var handlers = {
    state: function (f) { text("live-online", f.online); text("live-likes", f.likes); },
    comment: addComment,
    likes: function (f) { text("live-likes", f.count); },
    viewers: function (f) { text("live-online", f.online); },
    pinned: reloadPins,
    unpinned: reloadPins,
    status: function () { window.location.reload(); },
    ended: function () { finished = true; document.getElementById("live-ended").hidden = false; },
    error: function (f) { showError(f.message || f.code); }
  };

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/live/" + sessionId + "/");
    socket.onopen = function () { retries = 0; room.dataset.connected = "1"; };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      var handle = handlers[frame.type];
      if (handle) handle(frame);
    };
    socket.onclose = function (event) {
      room.dataset.connected = "";
      if (event.code >= 4400 && event.code < 4500) {  // refused or closed for good: say why, do not retry
        finished = true;
        if (event.code === 4410) document.getElementById("live-ended").hidden = false;
        else if (errorBox.hidden) showError(closedNote + event.code);
        return;
      }
      if (!finished && retries < 8) { retries += 1; setTimeout(connect, Math.min(30000, 500 * Math.pow(2, retries))); }
    };
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = form.elements.body;
      if (input.value.trim() && send({ type: "comment", body: input.value })) { input.value = ""; errorBox.hidden = true; }
    });
  }
  if (likeButton) likeButton.addEventListener("click", function () { send({ type: "like" }); });
  connect();
})();
