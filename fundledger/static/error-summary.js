/* fundledger's one script: on a form sent back, focus moves to the summary of what to fix
   (the GOV.UK error summary pattern), so that a keyboard or screen-reader user lands on it
   and a long page scrolls to it; a link in the summary puts the cursor in its field. Served
   from our own origin, as the Content-Security-Policy (default-src 'self') allows; the
   pages work without it. */
(function () {
  "use strict";
  function start() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field && typeof field.focus === "function") {
        event.preventDefault();
        field.scrollIntoView({ block: "center" });
        field.focus();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
