/* The cashier on the order page: a JSAPI payment opens WeChat's pay sheet through WeixinJSBridge
   (getBrandWCPayRequest) with the parameters the server prepared and signed; on success the page checks the
   order until the payment notification has been applied. In a mini program's web-view, the mini program's own
   pay page is opened with the same parameters (wx.requestPayment runs there). */
(function () {
  var box = document.getElementById("cashier-jsapi");
  if (!box) return;
  var params = JSON.parse(document.getElementById("cashier-params").textContent);
  var statusUrl = box.getAttribute("data-status-url");
  var note = document.getElementById("cashier-note");

  function say(text) { if (note) note.textContent = text; }

  function waitPaid(tries) {
    fetch(statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      if (d.paid) { window.location.replace(box.getAttribute("data-done-url")); return; }
      if (tries > 0) setTimeout(function () { waitPaid(tries - 1); }, 1000);
      else say(box.getAttribute("data-wait-text"));
    }).catch(function () { if (tries > 0) setTimeout(function () { waitPaid(tries - 1); }, 1500); });
  }

  function pay() {
    if (window.wx && window.wx.miniProgram && /miniProgram/.test(navigator.userAgent)) {
      window.wx.miniProgram.navigateTo({url: "/pages/pay/index?params=" + encodeURIComponent(JSON.stringify(params))});
      return;
    }
    window.WeixinJSBridge.invoke("getBrandWCPayRequest", params, function (res) {
      if (res && res.err_msg === "get_brand_wcpay_request:ok") { say(box.getAttribute("data-paying-text")); waitPaid(30); }
      else if (res && res.err_msg === "get_brand_wcpay_request:cancel") { say(box.getAttribute("data-cancel-text")); }
      else { say(box.getAttribute("data-fail-text")); }
    });
  }

  var button = document.getElementById("cashier-jsapi-pay");
  function ready() {
    if (button) { button.disabled = false; button.addEventListener("click", pay); }
    if (box.getAttribute("data-autostart") === "1") pay();
  }
  if (window.WeixinJSBridge) ready();
  else document.addEventListener("WeixinJSBridgeReady", ready, false);
})();
