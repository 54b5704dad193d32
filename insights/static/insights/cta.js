// Counts clicks on calls to action: page id, CTA block id and action, sent to our own server.
// Nothing about the visitor is sent or kept; without JavaScript nothing is counted.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !navigator.sendBeacon || !window.Blob) return;
  if (navigator.doNotTrack === "1" || navigator.globalPrivacyControl === true) return;
  var page = parseInt(script.getAttribute("data-page"), 10);
  var endpoint = script.getAttribute("data-endpoint");
  if (!page || !endpoint) return;
  function send(event) {
    var target = event.target;
    var link = target && target.closest ? target.closest("a[data-insights-cta]") : null;
    if (!link) return;
    var body = JSON.stringify({
      page: page,
      cta: link.getAttribute("data-insights-cta"),
      action: link.getAttribute("data-insights-action") || "page"
    });
    navigator.sendBeacon(endpoint, new Blob([body], { type: "application/json" }));
  }
  document.addEventListener("click", send);
  document.addEventListener("auxclick", function (event) {
    if (event.button === 1) send(event);
  });
})();
