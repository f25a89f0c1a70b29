/* Phones: the "View settings" button (components/page/controls.py `view_settings`) opens and
 * closes the controls; its aria-expanded follows. Called by the clientside callback in
 * components/page/callbacks.py. */
(function () {
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    page: {
      toggleSettings: function (clicks, open) {
        var next = !open;
        return [next, next ? 'true' : 'false'];
      },
    },
  });
})();
