/* Linked date axes: zooming or panning one chart sets the same x-range on the others, and
 * every chart refits its y-axes to the data visible in the new x-range (all subplots).
 * Called by the clientside callback in components/breadth/callbacks.py with the relayoutData of
 * every linked graph; the graph that fired is read from callback_context.
 * How each y-axis is fitted is declared by the figure builder in layout.meta.yfit
 * (components/style.py `y_fit`: pad, include, floor, symmetric — the options of `y_range`);
 * an axis without a rule keeps its range (the 0–100 participation scale).
 * A double-click (autorange) returns every chart to the view's own range (the RANGE store,
 * the callback's last argument), not to the whole history. The returned key is read by the
 * URL sync (components/url/sync.py): "<x0>|<x1>" makes the zoom the view's dates. */
(function () {
  var Y_PAD = 0.06;  // default of rule.pad (style.Y_PAD)

  /* [lo, hi] of the finite y values of the traces on `axis` whose x lies in [x0, x1]. */
  function fitAxis(gd, axis, rule, x0, x1) {
    var ref = 'y' + axis.slice(5);  // yaxis -> y, yaxis2 -> y2
    var lo = Infinity, hi = -Infinity;
    (gd._fullData || []).forEach(function (tr) {
      if (tr.visible !== true || (tr.yaxis || 'y') !== ref || !tr.x || !tr.y) { return; }
      var xs = tr.x, ys = tr.y, n = Math.min(xs.length, ys.length);
      for (var i = 0; i < n; i++) {
        var x = +xs[i], y = ys[i];
        if (x < x0 || x > x1 || y === null || !isFinite(y)) { continue; }
        if (y < lo) { lo = y; }
        if (y > hi) { hi = y; }
      }
    });
    (rule.include || []).forEach(function (v) { lo = Math.min(lo, v); hi = Math.max(hi, v); });
    if (!isFinite(lo) || !isFinite(hi)) { return null; }
    var span = hi > lo ? hi - lo : Math.max(Math.abs(hi), 1.0);
    var pad = rule.pad !== undefined ? rule.pad : Y_PAD;
    lo -= pad * span;
    hi += pad * span;
    if (rule.floor !== undefined && rule.floor !== null) { lo = Math.max(lo, rule.floor); }
    if (rule.symmetric) { var b = Math.max(Math.abs(lo), Math.abs(hi)); lo = -b; hi = b; }
    return [lo, hi];
  }

  /* Relayout keys that refit every y-axis with a rule over [r0, r1] (null: all data). */
  function yUpdate(gd, r0, r1) {
    var fl = gd._fullLayout || {}, meta = fl.meta || (gd.layout || {}).meta || {};
    var rules = meta.yfit || {}, upd = {};
    var ax = fl.xaxis;
    var x0 = -Infinity, x1 = Infinity;
    if (r0 !== null && ax && ax.r2l) { x0 = ax.r2l(r0); x1 = ax.r2l(r1); }
    Object.keys(rules).forEach(function (axis) {
      var r = fitAxis(gd, axis, rules[axis] || {}, x0, x1);
      if (r) { upd[axis + '.range'] = r; upd[axis + '.autorange'] = false; }
    });
    return upd;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    breadth: {
      yUpdate: yUpdate,
      syncX: function () {
        var dc = window.dash_clientside;
        var ctx = dc.callback_context;
        if (!ctx || !ctx.triggered || !ctx.triggered.length) { return dc.no_update; }
        var trig = ctx.triggered[0];
        var ev = trig.value || {};
        var view = arguments[arguments.length - 1] || {};
        var r0 = null, r1 = null, auto = false;
        Object.keys(ev).forEach(function (k) {
          var m = k.match(/^xaxis\d*\.range\[(0|1)\]$/);
          if (m) { if (m[1] === '0') { r0 = ev[k]; } else { r1 = ev[k]; } }
          if (/^xaxis\d*\.range$/.test(k) && ev[k]) { r0 = ev[k][0]; r1 = ev[k][1]; }
          if (/^xaxis\d*\.autorange$/.test(k) && ev[k]) { auto = true; }
        });
        if ((r0 === null || r1 === null) && !auto) { return dc.no_update; }
        var key = auto ? 'auto' : String(r0) + '|' + String(r1);
        if (auto && view.start && view.end) {  // back to the view's range (style.x_range)
          r0 = view.start + ' 00:00'; r1 = view.end + ' 23:59'; auto = false;
        }
        var echo = auto ? 'auto' : String(r0) + '|' + String(r1);  // what the graphs are given
        // our own relayout of a graph comes back as that graph's relayoutData: each graph
        // remembers the key it was last given, so a late echo never undoes a newer zoom
        var holder0 = document.getElementById(trig.prop_id.split('.')[0]);
        var src = holder0 && holder0.querySelector('.js-plotly-plot');
        if (src && src._breadthEcho === key) { src._breadthEcho = null; return dc.no_update; }
        var graphs = document.querySelectorAll('.linked-graph .js-plotly-plot');
        var apply = function () { graphs.forEach(function (gd) {
          var holder = gd.closest('.linked-graph');
          if (!holder || !gd.layout) { return; }
          var upd = {};
          // the source too: its matched subplot axes (shared_xaxes) must all take the range,
          // or a later relayout re-syncs them from the untouched one
          Object.keys(gd.layout).forEach(function (a) {
            if (!/^xaxis\d*$/.test(a)) { return; }
            if (auto) { upd[a + '.autorange'] = true; } else { upd[a + '.range'] = [r0, r1]; }
          });
          Object.assign(upd, yUpdate(gd, auto ? null : r0, auto ? null : r1));
          if (Object.keys(upd).length) {
            gd._breadthEcho = echo;
            // a graph Dash is still redrawing can refuse a relayout; the view's new range
            // reaches it anyway through the URL sync and the server's re-range
            try { window.Plotly.relayout(gd, upd); } catch (e) { gd._breadthEcho = null; }
          }
        }); };
        // a double-click is still being handled by Plotly: relayout its graph after it
        if (key === 'auto' && !auto) { window.setTimeout(apply, 0); } else { apply(); }
        return key;
      }
    }
  });
})();
