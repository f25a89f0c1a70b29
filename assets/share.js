/* "Copy link": copies the page's address (the whole view is in it) and says so beside the
 * button. Registered in components/page/download.py. Uses the async Clipboard API, with a
 * hidden-textarea copy where it is unavailable (a page served over plain http). */
(function () {
  function fallbackCopy(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    share: {
      copyLink: function (n) {
        if (!n) { return window.dash_clientside.no_update; }
        var url = window.location.href;
        var done = 'Link copied';
        var failed = 'Could not copy: use the address bar';
        if (navigator.clipboard && window.isSecureContext) {
          return navigator.clipboard.writeText(url).then(
            function () { return done; },
            function () { return fallbackCopy(url) ? done : failed; }
          );
        }
        return fallbackCopy(url) ? done : failed;
      }
    }
  });
})();
