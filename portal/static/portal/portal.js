// The portal's own behaviour, kept out of the pages so the Content-Security-Policy can forbid
// inline script (portal/csp.py). Loaded after htmx and Bootstrap on every portal page.
(function () {
  "use strict";

  // A read-only field with a value to copy (a new API key, a probe command) selects its text
  // when it gets the focus.
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field instanceof HTMLElement && field.matches("[data-select-on-focus]")) {
      field.select();
    }
  });

  // Progress bars carry their width as data-progress (0–100): a style attribute would be inline
  // style. Runs for the page and for every part htmx swaps in.
  function showProgress(root) {
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0)) + "%";
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(showProgress);
  } else {
    document.addEventListener("DOMContentLoaded", function () { showProgress(document); });
  }
})();
