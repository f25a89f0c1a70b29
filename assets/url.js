/* The page's address at its load (components/url/sync.py registers it). The layout already
 * shows the view of the address it was made for (the layout request's Referer; the
 * dcc.Location's `search`), so the URL sync is not called.
 * - url.arrive: the address bar gets the link in its canonical form (the layout's
 *   url-canonical store) through the dcc.Location's `href`, which pushes it as the URL sync's
 *   answer did (`history.replaceState` behind the Location's back was undone by the Location
 *   itself: it pushes the `href` it read at its mount). When the layout was made for another
 *   address (a browser that sent no Referer), the address goes to the Location's `search`,
 *   which the URL sync reads as a page load. */
(function () {
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.url = {
    arrive: function (canonical, rendered) {
      var skip = window.dash_clientside.no_update;
      var at = window.location;
      if (at.search !== (rendered || '')) {
        return [at.search, skip];
      }
      if (canonical && canonical !== at.search) {
        return [skip, at.origin + at.pathname + canonical + at.hash];
      }
      return [skip, skip];
    }
  };
})();
