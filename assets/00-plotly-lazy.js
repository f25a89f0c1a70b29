/* plotly.js off the first load's critical path (server/http.py).
 * dcc.Graph loads plotly.js itself when the first graph mounts, from the URL in
 * window._dashPlotlyJSURL, unless window.Plotly is already defined. The page's head preloads
 * the vendored cartesian bundle (link#plotly-js, not a script: nothing evaluates it yet);
 * point dcc.Graph at it. dash-renderer writes the full bundle's URL to the same global after
 * its first render: the setter keeps the preloaded one. */
(function () {
  var link = document.getElementById("plotly-js");
  if (!link || window.Plotly) { return; }
  var url = link.href;
  Object.defineProperty(window, "_dashPlotlyJSURL", {
    configurable: true,
    get: function () { return url; },
    set: function () {}
  });
}());
