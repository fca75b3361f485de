// The result page's print button (issue 9). Without JavaScript the button stays hidden and the
// browser's own print uses the print stylesheet; with it, every folded part opens for the paper.
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) { details.open = false; });
    opened = [];
  });
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }
}());
