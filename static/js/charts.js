// Draws every plotly figure on the page from the JSON embedded next to it (no inline script).
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  var charts = document.querySelectorAll(".plotly-chart[data-figure]");
  for (var i = 0; i < charts.length; i++) {
    var source = document.getElementById(charts[i].dataset.figure);
    if (!source) { continue; }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(charts[i], figure.data, figure.layout, {
      displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud", "sendChartToCloud"]
    });
  }
}());
