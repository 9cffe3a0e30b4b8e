/* The menu buttons on phones and tablets.
 *
 * sphinx-book-theme 1.3 draws its own "Toggle primary sidebar" and "Toggle secondary sidebar" buttons
 * in the article header and hides pydata-sphinx-theme's navbar, but both themes attach their click
 * handlers to the FIRST .primary-toggle / .secondary-toggle of the page only, which is pydata's hidden
 * navbar button. So the visible buttons did nothing (on a phone the table of contents could not be
 * opened). Each visible button now passes its click on to the first one, whose handlers open the
 * theme's drawer (a modal dialog below 992 px) or hide the sidebar (wider screens).
 * tests/site/test_accessibility.py::test_phone_navigation_and_screenshots checks it. */
(function () {
  function forward() {
    ["primary-toggle", "secondary-toggle"].forEach(function (kind) {
      var buttons = document.querySelectorAll("." + kind);
      for (var i = 1; i < buttons.length; i++) {
        buttons[i].addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          buttons[0].click();
        });
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", forward);
  } else {
    forward();
  }
})();
