/* vorort: the little JavaScript the UI uses (no inline scripts: strict Content-Security-Policy).
   The pages work without it; htmx adds live search on top. */
(function () {
  "use strict";

  // Idle timeout: the server ends the session after SESSION_COOKIE_AGE seconds without a
  // request. Move to the login page just after that, so the user sees why (and no stale data).
  function idleTimeout() {
    var body = document.body;
    var sekunden = parseInt(body.dataset.sitzungSekunden || "0", 10);
    var ziel = body.dataset.abgelaufenUrl;
    if (!sekunden || !ziel) {
      return;
    }
    var timer = null;
    function start() {
      if (timer) {
        window.clearTimeout(timer);
      }
      timer = window.setTimeout(function () {
        window.location.assign(ziel + "&next=" + encodeURIComponent(window.location.pathname));
      }, (sekunden + 5) * 1000);
    }
    start();
    document.body.addEventListener("htmx:afterRequest", start);
  }

  // Move focus to an error summary so keyboard and screen-reader users notice it first.
  function focusErrors() {
    var zusammenfassung = document.getElementById("fehlerzusammenfassung");
    if (zusammenfassung) {
      zusammenfassung.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    idleTimeout();
    focusErrors();
  });
})();
