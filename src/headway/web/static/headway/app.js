/* Headway shell: the navigation menu on narrow screens (a button with aria-expanded, Escape closes it). */
(function () {
  "use strict";

  function setUp() {
    // a select with data-autosubmit submits its form when changed (no inline handlers: the CSP allows none)
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
        target.form.submit();
      }
    });
    var button = document.querySelector("[data-menu-toggle]");
    if (!button) { return; }
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    button.hidden = false;
    setOpen(false);
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
