// Draws every plotly figure on the page from the JSON embedded next to it (no inline script).
// A chart with a narrow figure (bars in place of a radar or heatmap) draws that one on screens
// narrower than 576 px, and switches when the width crosses that line (a phone turned round).
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  var narrow = window.matchMedia("(max-width: 575.98px)");
  var charts = document.querySelectorAll(".plotly-chart[data-figure]");
  var config = {
    displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud", "sendChartToCloud"]
  };

  function figureFor(chart) {
    var id = narrow.matches && chart.dataset.narrowFigure ? chart.dataset.narrowFigure : chart.dataset.figure;
    var source = document.getElementById(id);
    return source ? { id: id, figure: JSON.parse(source.textContent) } : null;
  }

  function draw(chart) {
    var chosen = figureFor(chart);
    if (!chosen || chart.dataset.drawn === chosen.id) { return; }
    chart.dataset.drawn = chosen.id;
    window.Plotly.react(chart, chosen.figure.data, chosen.figure.layout, config);
  }

  for (var i = 0; i < charts.length; i++) { draw(charts[i]); }
  narrow.addEventListener("change", function () {
    for (var j = 0; j < charts.length; j++) { draw(charts[j]); }
  });
}());
