'use strict';
// plotly.js's core (the scatter trace and every component: legend, hover, shapes, annotations,
// modebar, ...) with the other trace types the page draws. tests/unit/test_assets.py checks
// that every trace type the page builds is registered here.
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/heatmap')]);

module.exports = Plotly;
