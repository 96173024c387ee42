{% load i18n %}/* The sandbox stand-in for WeChat's JS bridge (served only while the sandbox gateway is on): in a browser with
   WeChat's user agent it shows a pay sheet like WeChat's and, when the buyer confirms, tells the sandbox bank to
   pay (which then notifies our callback, as WeChat Pay would). */
(function () {
  if (window.WeixinJSBridge || !/MicroMessenger/.test(navigator.userAgent)) return;
  var confirmUrl = "{{ confirm_url|escapejs }}";
  function token() { var i = document.querySelector("input[name=csrfmiddlewaretoken]"); return i ? i.value : ""; }
  function sheet(params, done) {
    var wrap = document.createElement("div");
    wrap.id = "sandbox-pay-sheet";
    wrap.setAttribute("role", "dialog");
    wrap.style.cssText = "position:fixed;left:0;right:0;bottom:0;background:#fff;border-top:1px solid #ddd;" +
      "padding:16px;box-shadow:0 -4px 16px rgba(0,0,0,.15);z-index:1000;font-size:15px";
    var title = document.createElement("p");
    title.textContent = "{{ sheet_title|escapejs }}";
    title.style.cssText = "margin:0 0 12px;font-weight:600";
    var ok = document.createElement("button");
    ok.className = "btn primary"; ok.type = "button"; ok.textContent = "{{ confirm_text|escapejs }}";
    var no = document.createElement("button");
    no.className = "btn ghost"; no.type = "button"; no.textContent = "{{ cancel_text|escapejs }}";
    no.style.marginLeft = "8px";
    wrap.appendChild(title); wrap.appendChild(ok); wrap.appendChild(no);
    document.body.appendChild(wrap);
    no.addEventListener("click", function () { wrap.remove(); done({err_msg: "get_brand_wcpay_request:cancel"}); });
    ok.addEventListener("click", function () {
      ok.disabled = true;
      fetch(confirmUrl, {method: "POST", credentials: "same-origin", body: JSON.stringify(params),
                         headers: {"Content-Type": "application/json", "X-CSRFToken": token()}})
        .then(function (r) {
          wrap.remove();
          done({err_msg: r.ok ? "get_brand_wcpay_request:ok" : "get_brand_wcpay_request:fail"});
        })
        .catch(function () { wrap.remove(); done({err_msg: "get_brand_wcpay_request:fail"}); });
    });
  }
  window.WeixinJSBridge = {
    invoke: function (name, params, done) {
      if (name !== "getBrandWCPayRequest") { done({err_msg: name + ":fail"}); return; }
      sheet(params, done);
    }
  };
  document.dispatchEvent(new Event("WeixinJSBridgeReady"));
})();
