/* One hover date across the linked date charts (the `.linked-graph`s of the Breadth tab):
 * hovering a date on one chart shows the unified hover of that date on every other visible
 * one (each names its series and values, components/style.py `hover`), and leaving it clears
 * them. Listeners are attached once per graph div (Dash keeps the div across figure updates). */
(function () {
  var busy = false;  // Fx.hover on a chart fires its own plotly_hover: do not echo it

  function others(gd) {
    return Array.prototype.slice.call(
      document.querySelectorAll('.linked-graph .js-plotly-plot')
    ).filter(function (o) { return o !== gd && o.offsetParent !== null && o._fullLayout; });
  }

  function subplots(gd) {
    var s = gd._fullLayout._subplots;
    return s && s.cartesian && s.cartesian.length ? s.cartesian : ['xy'];
  }

  function attach(gd) {
    if (gd.__sharedHover || !gd.on) { return; }
    gd.__sharedHover = true;
    gd.on('plotly_hover', function (ev) {
      if (busy || !ev || !ev.points || !ev.points.length) { return; }
      var pt = ev.points[0], x = pt.xaxis ? pt.xaxis.d2c(pt.x) : pt.x;
      busy = true;
      try {
        others(gd).forEach(function (o) {
          window.Plotly.Fx.hover(o, {xval: x}, subplots(o));
        });
      } finally { busy = false; }
    });
    gd.on('plotly_unhover', function () {
      if (busy) { return; }
      busy = true;
      try { others(gd).forEach(function (o) { window.Plotly.Fx.unhover(o); }); }
      finally { busy = false; }
    });
  }

  var queued = false;
  function scan() {
    if (queued) { return; }
    queued = true;
    window.requestAnimationFrame(function () {
      queued = false;
      document.querySelectorAll('.linked-graph .js-plotly-plot').forEach(attach);
    });
  }

  new MutationObserver(scan).observe(document.documentElement, {childList: true, subtree: true});
})();
