/* The page's header controls (components/page/callbacks.py):
 * - page.toggleSettings: on phones, the "View settings" button (components/page/controls.py
 *   `view_settings`) opens and closes the controls; its aria-expanded follows;
 * - page.idle: the control groups that change nothing on the active tab are hidden, with a
 *   line saying why; the styles and the line per tab come from the server's layout (a store,
 *   `idle_table`), so a tab click asks the server nothing for them. */
(function () {
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    page: {
      toggleSettings: function (clicks, open) {
        var next = !open;
        return [next, next ? 'true' : 'false'];
      },
      idle: function (tab, table) {
        return table[tab || ''] || table[''];
      },
    },
  });
})();
