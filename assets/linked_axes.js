/* Linked date axes: zooming or panning one chart sets the same x-range on the others.
 * Called by the clientside callback in components/callbacks.py with the relayoutData of
 * every linked graph; the graph that fired is read from callback_context. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  breadth: {
    syncX: function () {
      var dc = window.dash_clientside;
      var ctx = dc.callback_context;
      if (!ctx || !ctx.triggered || !ctx.triggered.length) { return dc.no_update; }
      var trig = ctx.triggered[0];
      var source = trig.prop_id.split('.')[0];
      var ev = trig.value || {};
      var r0 = null, r1 = null, auto = false;
      Object.keys(ev).forEach(function (k) {
        var m = k.match(/^xaxis\d*\.range\[(0|1)\]$/);
        if (m) { if (m[1] === '0') { r0 = ev[k]; } else { r1 = ev[k]; } }
        if (/^xaxis\d*\.range$/.test(k) && ev[k]) { r0 = ev[k][0]; r1 = ev[k][1]; }
        if (/^xaxis\d*\.autorange$/.test(k) && ev[k]) { auto = true; }
      });
      if ((r0 === null || r1 === null) && !auto) { return dc.no_update; }
      var key = auto ? 'auto' : String(r0) + '|' + String(r1);
      if (window._breadthSyncKey === key) { return dc.no_update; }  // echo of our own relayout
      window._breadthSyncKey = key;
      clearTimeout(window._breadthSyncTimer);
      window._breadthSyncTimer = setTimeout(function () { window._breadthSyncKey = null; }, 800);
      var graphs = document.querySelectorAll('.linked-graph .js-plotly-plot');
      graphs.forEach(function (gd) {
        var holder = gd.closest('.linked-graph');
        if (!holder || holder.id === source || !gd.layout) { return; }
        var upd = {};
        Object.keys(gd.layout).forEach(function (a) {
          if (!/^xaxis\d*$/.test(a)) { return; }
          if (auto) { upd[a + '.autorange'] = true; } else { upd[a + '.range'] = [r0, r1]; }
        });
        if (Object.keys(upd).length) { window.Plotly.relayout(gd, upd); }
      });
      return key;
    }
  }
});
