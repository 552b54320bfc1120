/* Small page behaviours that templates used to write as inline handlers
 * (onclick="…", onchange="…"), which the Content-Security-Policy forbids:
 * templates mark the element with a data attribute instead.
 *   data-history-back      a "cancel" link goes back one page
 *   data-print             a button prints the page
 *   data-window-close      a link in a pop-up closes it
 *   data-submit-on-change  a select submits its form when changed
 *   data-image-preview     the dashboard's photo preview: its upload button
 *                          hides once a photo shows, and an unreadable file
 *                          shows the message in data-image-error */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-history-back], [data-print], [data-window-close]");
    if (!target) return;
    event.preventDefault();
    if (target.hasAttribute("data-history-back")) {
      window.history.go(-1);
    } else if (target.hasAttribute("data-print")) {
      window.print();
    } else {
      window.close();
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-submit-on-change]");
    if (select && select.form) select.form.submit();
  });

  function uploadButton(image) {
    var container = image.closest(".image-input");
    return container && container.querySelector("button");
  }

  // Load and error events do not bubble: listen while they go down (capture).
  document.addEventListener("load", function (event) {
    var image = event.target;
    if (!(image instanceof HTMLImageElement) || !image.hasAttribute("data-image-preview")) return;
    var button = uploadButton(image);
    if (button) button.style.display = "none";
  }, true);

  document.addEventListener("error", function (event) {
    var image = event.target;
    if (!(image instanceof HTMLImageElement) || !image.hasAttribute("data-image-preview")) return;
    if (!image.getAttribute("src")) return;  // the empty preview before any file
    var button = uploadButton(image);
    if (button) button.style.display = "";
    window.alert(image.getAttribute("data-image-error"));
  }, true);
})();
