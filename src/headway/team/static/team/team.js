/* The org chart opens scrolled to the top of the organisation (the first box), centred in view. */
(function () {
  "use strict";

  function centre() {
    document.querySelectorAll(".org-chart[data-centre]").forEach(function (chart) {
      var x = Number(chart.getAttribute("data-centre"));
      chart.scrollLeft = Math.max(0, x - chart.clientWidth / 2);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", centre);
  } else {
    centre();
  }
})();
