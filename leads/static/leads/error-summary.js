// After a failed submit, focus the error summary so a screen reader reads it and the keyboard
// starts there. The summary's `autofocus` does this without JavaScript in most browsers; this
// covers the ones that skip autofocus on a non-form element.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
})();
