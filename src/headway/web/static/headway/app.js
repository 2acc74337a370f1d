/* Headway shell: the navigation menu on narrow screens (a button with aria-expanded, Escape closes it), and
   errors in place: an HTMX request that fails shows its one-line error where its result would have been. */
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
    // a select with data-marker-jump sets the date pickers named by data-from / data-to to its value
    // (START..END around a release marker or note); in the capture phase, so a form that refreshes on change
    // (HTMX) sends the new dates
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (!(target && target.matches && target.matches("select[data-marker-jump]")) || !target.value) { return; }
      var range = target.value.split("..");
      var from = document.getElementById(target.getAttribute("data-from"));
      var to = document.getElementById(target.getAttribute("data-to"));
      if (range.length === 2 && from && to) {
        from.value = range[0];
        to.value = range[1];
      }
    }, true);
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

(function () {
  "use strict";

  /* The one-line message of a failed response: the server's own alert when it sent one, else its status. */
  function messageOf(xhr) {
    var text = (xhr && xhr.responseText) || "";
    var type = (xhr && xhr.getResponseHeader && xhr.getResponseHeader("Content-Type")) || "";
    if (type.indexOf("json") >= 0) {
      try {
        var body = JSON.parse(text);
        if (body && body.error && body.error.message) { return body.error.message; }
      } catch (ignored) { /* not JSON after all */ }
    }
    if (type.indexOf("html") >= 0 && text) {
      var doc = new DOMParser().parseFromString(text, "text/html");
      var alert = doc.querySelector("[data-error-message]") || doc.querySelector("[role=alert] p, [role=alert]");
      if (alert && alert.textContent.trim()) { return alert.textContent.trim().split("\n")[0]; }
    }
    var status = xhr ? xhr.status : 0;
    if (status === 403) { return "Your role may not do this: ask a workspace admin or the leader."; }
    if (status === 404) { return "That item does not exist any more: reload the page."; }
    return "The server could not answer (HTTP " + status + "): try again; the error is in the server log.";
  }

  function showError(target, message) {
    if (!target) { return; }
    var box = document.createElement("div");
    box.className = "card notice error";
    box.setAttribute("role", "alert");
    box.setAttribute("data-htmx-error", "");
    var p = document.createElement("p");
    p.textContent = message;
    box.appendChild(p);
    target.replaceChildren(box);  /* nothing stale stays: the old chart, table and save form go */
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status >= 400) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      showError(event.detail.target, messageOf(xhr));
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    showError(event.detail.target, "Headway could not be reached: check the connection and try again.");
  });
})();
