// reCAPTCHA for the consultation form, loaded only when keys are configured. Without JavaScript
// the form still posts: the server accepts it and flags it "captcha unverified".
(function () {
  "use strict";
  function withToken(form, token) {
    var input = form.querySelector("input[name=recaptcha_token]");
    if (input) { input.value = token; }
    form.submit();
  }
  document.querySelectorAll("form[data-recaptcha]").forEach(function (form) {
    var version = form.getAttribute("data-recaptcha");
    var sitekey = form.getAttribute("data-sitekey");
    if (!version) { return; }
    form.addEventListener("submit", function (event) {
      if (!window.grecaptcha) { return; }
      if (version === "v3") {
        event.preventDefault();
        window.grecaptcha.ready(function () {
          window.grecaptcha.execute(sitekey, { action: "consultation" }).then(function (token) {
            withToken(form, token);
          }, function () { form.submit(); });
        });
      } else if (version === "v2-invisible") {
        var widget = form.querySelector(".g-recaptcha");
        if (!widget || form.dataset.verified) { return; }
        event.preventDefault();
        var id = window.grecaptcha.render(widget, {
          sitekey: sitekey, size: "invisible",
          callback: function (token) { form.dataset.verified = "1"; withToken(form, token); }
        });
        window.grecaptcha.execute(id);
      }
    });
  });
})();
