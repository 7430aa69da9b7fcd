/* vorort: the little JavaScript the UI uses (no inline scripts: strict Content-Security-Policy).
   The pages work without it; htmx adds live search on top. */
(function () {
  "use strict";

  // Idle timeout (docs/ui.md "Session and idle timeout", decision 0302). The server ends the
  // session SESSION_COOKIE_AGE seconds after the last request. Input counts as activity: while
  // the user types or clicks, a keep-alive request renews the session at most once per DROSSEL.
  // Without input a dialog warns WARNZEIT before the end and offers "Sitzung verlängern"; at the
  // end the page moves to the login page, which says why. Tabs share the time of the last
  // renewal through localStorage, so working in one tab keeps the others open too.
  function sitzung() {
    var daten = document.getElementById("sitzung-daten");
    if (!daten) {
      return; // not signed in, or only half (second factor): no timer
    }
    var einstellung = JSON.parse(daten.textContent);
    var dauer = einstellung.sekunden * 1000;
    var WARNZEIT = Math.min(2 * 60 * 1000, dauer / 4);
    var DROSSEL = Math.min(60 * 1000, dauer / 4);
    var SCHLUESSEL = "vorort.sitzung.erneuert";
    var dialog = document.getElementById("sitzungswarnung");
    var meldung = document.getElementById("sitzung-meldung");
    var erneuert = Date.now(); // this page's own request renewed the session
    var aktiv = 0;
    var unterwegs = false;
    var timer = null;
    var fokusVorher = null;

    function gespeichert() {
      try {
        return parseInt(window.localStorage.getItem(SCHLUESSEL) || "0", 10) || 0;
      } catch (e) {
        return 0; // storage blocked: each tab keeps its own time
      }
    }

    function merken(zeit) {
      erneuert = Math.max(erneuert, zeit);
      try {
        window.localStorage.setItem(SCHLUESSEL, String(erneuert));
      } catch (e) {
        // storage blocked: nothing to share
      }
    }

    function planen() {
      window.clearTimeout(timer);
      erneuert = Math.max(erneuert, gespeichert());
      var jetzt = Date.now();
      if (jetzt >= erneuert + dauer) {
        ablaufen();
      } else if (jetzt >= erneuert + dauer - WARNZEIT) {
        warnen();
      } else {
        schliessen();
        timer = window.setTimeout(planen, erneuert + dauer - WARNZEIT - jetzt);
      }
    }

    function erneuern() {
      if (unterwegs) {
        return;
      }
      unterwegs = true;
      var token = document.querySelector("#abmelden [name=csrfmiddlewaretoken]");
      window
        .fetch(einstellung.verlaengern_url, {
          method: "POST",
          credentials: "same-origin",
          redirect: "manual",
          headers: { "X-CSRFToken": token ? token.value : "" },
        })
        .then(function (antwort) {
          unterwegs = false;
          if (antwort.ok) {
            var warOffen = dialog && dialog.open;
            merken(Date.now());
            planen();
            if (warOffen && meldung) {
              meldung.textContent = "Ihre Sitzung wurde verlängert.";
            }
          } else if (antwort.status === 401 || antwort.status === 403 || antwort.type === "opaqueredirect") {
            abmeldeseite();
          }
        })
        .catch(function () {
          unterwegs = false; // network trouble: try again with the next input or in the dialog
        });
    }

    function warnen() {
      if (aktiv > erneuert) {
        erneuern(); // typed since the last renewal, within DROSSEL: no warning, just renew
      } else if (dialog && !dialog.open) {
        var ende = new Date(erneuert + dauer);
        document.getElementById("sitzungswarnung-ende").textContent =
          ende.toLocaleTimeString("de-DE", { hour: "2-digit", minute: "2-digit", second: "2-digit" }) + " Uhr";
        fokusVorher = document.activeElement;
        dialog.showModal();
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(planen, Math.max(0, erneuert + dauer - Date.now()) + 1000);
    }

    function schliessen() {
      if (dialog && dialog.open) {
        dialog.close();
      }
    }

    function ablaufen() {
      window.clearTimeout(timer);
      if (gespeichert() > erneuert) {
        planen(); // another tab renewed the session meanwhile
        return;
      }
      abmeldeseite();
    }

    function abmeldeseite() {
      window.location.assign(
        einstellung.abgelaufen_url + "&next=" + encodeURIComponent(window.location.pathname + window.location.search)
      );
    }

    function eingabe(ereignis) {
      if (dialog && dialog.open && dialog.contains(ereignis.target)) {
        return; // the dialog's own buttons decide
      }
      aktiv = Date.now();
      if (aktiv - erneuert >= DROSSEL) {
        erneuern();
      }
    }

    ["keydown", "input", "click"].forEach(function (art) {
      document.addEventListener(art, eingabe, true);
    });
    // A fragment request after the session ended is answered with the login page (redirect):
    // show it as a page, with the reason, instead of swapping a login form into the results.
    var anmeldePfad = einstellung.abgelaufen_url.split("?")[0];
    document.body.addEventListener("htmx:beforeSwap", function (ereignis) {
      var xhr = ereignis.detail.xhr;
      if (xhr && xhr.responseURL && new URL(xhr.responseURL).pathname === anmeldePfad) {
        ereignis.detail.shouldSwap = false;
        abmeldeseite();
      }
    });
    document.body.addEventListener("htmx:afterRequest", function (ereignis) {
      var xhr = ereignis.detail && ereignis.detail.xhr;
      var angemeldet = !(xhr && xhr.responseURL && new URL(xhr.responseURL).pathname === anmeldePfad);
      if (ereignis.detail && ereignis.detail.successful && angemeldet) {
        merken(Date.now());
        planen();
      }
    });
    window.addEventListener("storage", function (ereignis) {
      if (ereignis.key === SCHLUESSEL) {
        planen();
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) {
        planen(); // timers of hidden tabs may run late
      }
    });
    window.addEventListener("pageshow", function (ereignis) {
      if (ereignis.persisted) {
        planen(); // back from the browser's page cache
      }
    });
    if (dialog) {
      document.getElementById("sitzungswarnung-verlaengern").addEventListener("click", erneuern);
      document.getElementById("sitzungswarnung-abmelden").addEventListener("click", function () {
        document.getElementById("abmelden").submit();
      });
      dialog.addEventListener("close", function () {
        if (fokusVorher && document.contains(fokusVorher)) {
          fokusVorher.focus(); // back to the field the user was typing in
        }
      });
      dialog.addEventListener("cancel", function (ereignis) {
        ereignis.preventDefault(); // Escape means "I am here": renew, as the button does
        erneuern();
      });
    }
    merken(erneuert);
    planen();
  }

  // Move focus to an error summary so keyboard and screen-reader users notice it first.
  function focusErrors() {
    var zusammenfassung = document.getElementById("fehlerzusammenfassung");
    if (zusammenfassung) {
      zusammenfassung.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    sitzung();
    focusErrors();
  });
})();
