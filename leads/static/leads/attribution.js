// The site that sent the visitor, for the practice's attribution: pages with the form are cached
// and shared between visitors, so the browser fills this in, not the server. Without JavaScript
// the request is sent without it.
(function () {
  "use strict";
  var host = "";
  try { host = document.referrer ? new URL(document.referrer).hostname : ""; } catch (e) { host = ""; }
  if (!host || host === window.location.hostname) { return; }
  document.querySelectorAll("form.consultation-form__form input[name=referrer]").forEach(function (input) {
    if (!input.value) { input.value = host.slice(0, 255); }
  });
})();
