/* Headway charts: draw every [data-vega-chart] figure with vega-embed, on load and after HTMX swaps.
   The spec is read from the <script type="application/json"> the figure names; no data lives in code. */
(function () {
  "use strict";

  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  var THEME = {
    font: FONT,
    background: null,
    view: { stroke: null },
    title: { anchor: "start", fontSize: 14, fontWeight: 600, color: "#0f172a" },
    axis: {
      labelColor: "#475569", titleColor: "#334155", labelFontSize: 12, titleFontSize: 12,
      gridColor: "#e2e8f0", domainColor: "#cbd5e1", tickColor: "#cbd5e1"
    },
    legend: { labelColor: "#475569", titleColor: "#334155" },
    range: { category: ["#4f46e5", "#0891b2", "#d97706", "#059669", "#db2777", "#7c3aed", "#64748b"] },
    mark: { color: "#4f46e5" },
    bar: { color: "#4f46e5", cornerRadiusEnd: 3 },
    line: { color: "#4f46e5", strokeWidth: 2 }
  };

  function draw(figure) {
    if (figure.hasAttribute("data-drawn")) { return; }
    var source = document.getElementById(figure.getAttribute("data-spec"));
    var canvas = figure.querySelector(".chart-canvas");
    if (!source || !canvas || typeof window.vegaEmbed !== "function") { return; }
    figure.setAttribute("data-drawn", "");
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (err) {
      fail(figure, canvas, err);
      return;
    }
    // Vega labels the element it draws into; an inner element keeps the figure's own role="img" and label.
    var target = document.createElement("div");
    canvas.appendChild(target);
    // ast: Vega interprets expressions instead of compiling them with Function (the Content-Security-Policy
    // allows no eval)
    window.vegaEmbed(target, spec, { actions: false, renderer: "svg", config: THEME, ast: true })
      .catch(function (err) { fail(figure, canvas, err); });
  }

  function fail(figure, canvas, err) {
    figure.classList.add("chart-failed");
    canvas.textContent = "This chart could not be drawn (" + err.message + "). Its data is in the table below.";
  }

  function drawWithin(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-vega-chart]")) { draw(scope); }
    scope.querySelectorAll("[data-vega-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawWithin(document); });
  } else {
    drawWithin(document);
  }
  document.addEventListener("htmx:load", function (event) { drawWithin(event.target); });
})();
