/* The RRG graph (components/rrg/callbacks.py): its width for the label placement, and the
 * highlight of one series (its tail, head and label) while the mouse is on it in the plot or
 * on its legend entry: the other series dim. Legend clicks (hide / show a series with its
 * label) are Plotly's own: a series and its label share a legend group. */
(function () {
  var DIM = 0.18;

  function plot(id) {
    return document.querySelector('#' + id + ' .js-plotly-plot');
  }

  /* Every trace of `group` at full opacity, the others dimmed (null: all at full). */
  function highlight(gd, group) {
    (gd._fullData || []).forEach(function (tr) {
      var el = gd.querySelector('.scatterlayer .trace' + tr.uid);
      if (el) { el.style.opacity = group === null || tr.legendgroup === group ? '' : DIM; }
    });
  }

  /* Hovering a legend entry highlights its series (Plotly has no legend hover event). */
  function bindLegend(gd) {
    gd.querySelectorAll('.legend .traces').forEach(function (item) {
      if (item.dataset.rrgHover) { return; }
      item.dataset.rrgHover = '1';
      item.addEventListener('mouseenter', function () {
        var d = item.__data__ && item.__data__[0];
        highlight(gd, d && d.trace ? d.trace.legendgroup : null);
      });
      item.addEventListener('mouseleave', function () { highlight(gd, null); });
    });
  }

  /* Bind the legend hover once per graph, after its first draw (retried until drawn). */
  function ensureBound(id, tries) {
    var gd = plot(id);
    if (!gd || !gd.on || !gd._fullData) {
      if (tries > 0) { setTimeout(function () { ensureBound(id, tries - 1); }, 250); }
      return;
    }
    if (!gd.dataset.rrgBound) {
      gd.dataset.rrgBound = '1';
      gd.on('plotly_afterplot', function () { bindLegend(gd); });
    }
    bindLegend(gd);
  }

  /* The RRG graph's width in pixels (see rrg.width), 0 when nothing is laid out. */
  function measure(id) {
    var el = document.getElementById(id);
    var w = el ? el.getBoundingClientRect().width : 0;
    if (!w) {
      var body = document.querySelector('[role="tabpanel"]:not([hidden]) .chart-card > .card-body');
      if (body) {
        var cs = getComputedStyle(body);
        w = body.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      }
    }
    return Math.round(w);
  }

  var watched = null;  // {graph, store, redraw, px}: rrg.width's ids, the last width

  /* A new width: the store (a State of the RRG's view, so written first), and when the graph
   * is shown and was laid out for a known width (not at the load), its view asked for again
   * (redraw; set_props: no callback waits on this one). */
  function widthChanged(px) {
    var known = typeof watched.px === 'number';
    var el = document.getElementById(watched.graph);
    watched.px = px;
    window.dash_clientside.set_props(watched.store, {data: px});
    if (known && el && el.getBoundingClientRect().width > 0) {
      window.dash_clientside.set_props(watched.redraw, {data: px});
    }
  }

  var resizing = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      var px = watched ? measure(watched.graph) : 0;
      if (px > 0 && px !== watched.px) { widthChanged(px); }
    }, 250);
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    rrg: {
      /* The graph's width; while its tab is hidden, the width of a visible chart card's
       * body in the active tab (every tab's cards are alike); unchanged, no update. Measured
       * at the load and on each tab change, and after a window resize (the listener above):
       * a click on the RRG tab asks for its view at once (tabs.select), with the width known
       * then: if the RRG tab was clicked with another width than it now has (a resize not
       * yet measured), its view is asked for again (widthChanged). */
      width: function (tab, id, current, storeId, redrawId) {
        watched = {graph: id, store: storeId, redraw: redrawId, px: current};
        var px = measure(id);
        if (px > 0 && px !== current) {
          widthChanged(px);
          return px;
        }
        return window.dash_clientside.no_update;
      },
      /* The hovered series (or none) highlighted; legend entries bound after each draw. */
      focus: function (hover, figure, id) {
        ensureBound(id, 40);
        var gd = plot(id);
        if (!gd) { return null; }
        var ctx = window.dash_clientside.callback_context;
        var redrawn = ctx && ctx.triggered && ctx.triggered.some(function (t) {
          return t.prop_id.slice(-7) === '.figure';
        });
        var pts = !redrawn && hover && hover.points;
        var tr = pts && pts.length ? (gd._fullData || [])[pts[0].curveNumber] : null;
        var group = tr ? tr.legendgroup : null;
        highlight(gd, group);
        return group;
      },
    },
  });
})();
