/* The page's tab strip (components/page/tabs.py), a WAI-ARIA tablist:
 * - tabs.select: a tab's click writes its name to the tab store (the URL sync reads it);
 * - tabs.show: the store's tab is selected (aria-selected, in the Tab order, "active") and its
 *   panel shown; every other panel is hidden;
 * - tabs.route: the page's state (the URL sync's tab-state store) goes to the active tab's own
 *   store only (its `tab` field; absent: the first tab), so only that tab's callback fires;
 * - arrow keys (Left/Right, Up/Down), Home and End on a focused tab move the focus to another
 *   tab and select it (automatic activation, https://www.w3.org/WAI/ARIA/apg/patterns/tabs/). */
(function () {
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.tabs = {
    select: function (clicks, current) {
      var ctx = window.dash_clientside.callback_context;
      var id = ctx && ctx.triggered_id;
      if (!id || !id.tab || id.tab === current) {
        return window.dash_clientside.no_update;
      }
      return id.tab;
    },
    route: function (state, ids) {
      var tab = state && (state.tab || ids[0].tab);  // no state yet: no tab's store
      return ids.map(function (id) {
        return id.tab === tab ? state : window.dash_clientside.no_update;
      });
    },
    show: function (active, ids) {
      var on = ids.map(function (id) { return id.tab === active; });
      return [
        on.map(function (x) { return x ? 'true' : 'false'; }),
        on.map(function (x) { return x ? '0' : '-1'; }),
        on.map(function (x) { return x ? 'nav-link active' : 'nav-link'; }),
        on.map(function (x) { return !x; })
      ];
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
