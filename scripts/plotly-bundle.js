// The plotly.js the pages load: plotly's own core (with the scatter trace) and only the trace
// types our figures use, bundled by `make install` (esbuild) into build/plotly/plotly.min.js.
// The full plotly.min.js weighs 4.8 MB; this one about 1.2 MB, and draws the same pixels
// (tests/e2e/test_plotly_bundle.py compares every figure of scoring/charts.py with both).
// A figure with a new trace type needs it registered here; that test names what is missing.
var Plotly = require("plotly.js/lib/core");

Plotly.register([
  require("plotly.js/lib/bar"),
  require("plotly.js/lib/heatmap"),
  require("plotly.js/lib/scatterpolar"),
]);

module.exports = Plotly;
