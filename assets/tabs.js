/* The page's tab strip (components/page/tabs.py), a WAI-ARIA tablist:
 * - tabs.select: a tab's click shows its panel, sends the page's state with that tab to the
 *   tab's own store, so its view is asked for at once, and then (a timer of 0 ms, `set_props`)
 *   writes the tab's name to the tab store, which the URL sync reads. dash-renderer holds
 *   back any callback downstream of a pending one, and the sync's state reaches every tab's
 *   store: a view asked for in the same pass as the sync waited for the sync's answer (bench
 *   T3's RRG click: two round trips, one after the other);
 * - tabs.show: the store's tab is selected (aria-selected, in the Tab order, "active") and its
 *   panel shown; every other panel is hidden (after Back/Forward or a link; a click did it
 *   already: show waits for the sync, and a view drawn into a hidden panel is drawn again);
 * - tabs.route: the page's state (the URL sync's tab-state store) goes to the active tab's own
 *   store only (its `tab` field; absent: the first tab), so only that tab's callback fires;
 *   the state a click sent already is not sent again (its view would be asked twice);
 * - arrow keys (Left/Right, Up/Down), Home and End on a focused tab move the focus to another
 *   tab and select it (automatic activation, https://www.w3.org/WAI/ARIA/apg/patterns/tabs/). */
(function () {
  var sent = null;  // {tab, text}: what a click sent to a tab's store, until tabs.route runs

  /* The tab strip's and panels' props with `active` selected: aria-selected, tabIndex,
   * className of each tab (in `ids`' order), hidden of each panel (the same order). */
  function shown(active, ids) {
    var on = ids.map(function (id) { return id.tab === active; });
    return [
      on.map(function (x) { return x ? 'true' : 'false'; }),
      on.map(function (x) { return x ? '0' : '-1'; }),
      on.map(function (x) { return x ? 'nav-link active' : 'nav-link'; }),
      on.map(function (x) { return !x; })
    ];
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.tabs = {
    select: function (clicks, current, storeId, state, ids, tabIds) {
      var dc = window.dash_clientside;
      var ctx = dc.callback_context;
      var tab = ctx && ctx.triggered_id && ctx.triggered_id.tab;
      var none = function () { return dc.no_update; };
      if (!tab || tab === current) {
        var quiet = tabIds.map(none);  // one per tab: its button's three props, its panel
        return [ids.map(none), quiet, quiet, quiet, quiet];
      }
      setTimeout(function () { dc.set_props(storeId, {data: tab}); }, 0);
      var look = shown(tab, tabIds);  // now: the view then draws into a visible panel
      if (!state || (state.tab || ids[0].tab) === tab) {
        return [ids.map(none)].concat(look);  // no state yet (the sync's answer routes it)
      }
      var next = Object.assign({}, state, {tab: tab});
      sent = {tab: tab, text: JSON.stringify(next)};
      return [ids.map(function (id) { return id.tab === tab ? next : dc.no_update; })].concat(look);
    },
    route: function (state, ids) {
      var tab = state && (state.tab || ids[0].tab);  // no state yet: no tab's store
      var early = sent;
      sent = null;
      if (early && early.tab === tab && early.text === JSON.stringify(state)) {
        tab = null;  // the click sent this very state: its view was asked for already
      }
      return ids.map(function (id) {
        return id.tab === tab ? state : window.dash_clientside.no_update;
      });
    },
    show: function (active, ids) {
      return shown(active, ids);
    }
  };

  var NEXT = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1};
  document.addEventListener('keydown', function (event) {
    var tab = event.target;
    if (!tab || !tab.getAttribute || tab.getAttribute('role') !== 'tab') { return; }
    var list = tab.closest('[role=tablist]');
    if (!list) { return; }
    var tabs = Array.prototype.slice.call(list.querySelectorAll('[role=tab]'));
    var at = tabs.indexOf(tab), to;
    if (event.key in NEXT) {
      to = (at + NEXT[event.key] + tabs.length) % tabs.length;
    } else if (event.key === 'Home') {
      to = 0;
    } else if (event.key === 'End') {
      to = tabs.length - 1;
    } else {
      return;
    }
    event.preventDefault();
    tabs[to].focus();
    tabs[to].click();
  });
})();
