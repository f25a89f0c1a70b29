"""Start dash_duo servers on ports counted up from BREADTH_TEST_PORT (default 8050), one per
test, so two checkouts can run browser tests side by side (give them ports far apart)."""

from __future__ import annotations

import itertools
import os
import time
from typing import Any

PORTS = itertools.count(int(os.environ.get("BREADTH_TEST_PORT", "8050")))


def start(duo: Any, app: Any, search: str = "") -> None:
    """``duo.start_server(app)`` on the next port, the page opened once at ``/`` + ``search``.

    dash_duo's own start opens ``/`` (its ``server_url`` setter navigates), so a test that
    wants another view loaded the page twice, the first view computed for nothing: about a
    second per browser test. ``duo._url`` is what that setter stores; ``wait_for_page`` is
    its navigation (waits for Dash's entry point), here to the view the test asks for."""
    duo.start_server(app, port=next(PORTS), navigate=False)
    duo._url = duo.server.url
    duo.wait_for_page(duo.server.url + "/" + search)


RECORD_JS = """
var id = typeof arguments === 'undefined' ? null : arguments[0];  // CDP: before the scripts
var send = window.__fetch0 || (window.__fetch0 = window.fetch);  // installed again: not nested
window.__answers = [];
window.fetch = function (url, opts) {
  var out = '', state = [], sentAt = performance.now();
  try { var body = JSON.parse(opts.body); out = body.output; state = body.state || []; }
  catch (e) { /* not a callback */ }
  return send(url, opts).then(function (resp) {
    return resp.clone().text().then(function (text) {
      var figure = false;
      try { figure = !!(JSON.parse(text).response[id] || {}).figure; }
      catch (e) { /* 204: nothing sent */ }
      window.__answers.push([out, figure, sentAt, performance.now(), state]);
      return resp;
    });
  });
};
"""
"""Records each request the page sends through ``fetch``, once answered, in
``window.__answers`` (emptied by each install): a callback's outputs (``""``: not a
callback), whether its answer carried the figure of the graph ``arguments[0]`` (an
``execute_script`` argument; none when installed with CDP before the page's scripts), when it
was sent and answered (ms), and the states it sent."""


OPEN_MENU = ".dash-dropdown-content[data-state='open']"


def choose(duo: Any, selector: str, index: int, timeout: float = 10.0) -> None:
    """Pick option ``index`` of the dcc.Dropdown at ``selector`` and wait for its menu to close.

    dash_duo's ``select_dcc_dropdown`` clicks the option and returns at once; Dash 4's menu is
    a popover that closes on a later render, so a click right after it can land on the still
    open menu (seen once in CI: "element click intercepted" by ``.dash-dropdown-content``). A
    menu still open after a second has its option clicked again (the first click fell on a
    re-render)."""
    duo.select_dcc_dropdown(selector, index=index)
    deadline = time.monotonic() + timeout
    while True:
        until = time.monotonic() + 1.0
        while time.monotonic() < until:
            if not duo.driver.find_elements("css selector", OPEN_MENU):
                return
            time.sleep(0.05)
        if time.monotonic() > deadline:
            raise AssertionError(f"the menu of {selector} stayed open after picking {index}")
        options = duo.driver.find_elements("css selector", f"{OPEN_MENU} .dash-dropdown-option")
        if len(options) > index:
            options[index].click()


BUSY_JS = (
    "return document.querySelector('[data-dash-is-loading=\"true\"]') !== null"
    " || document.querySelector('.dash-graph--pending') !== null"
)
"""True while the page has a callback in flight or a chart being resized."""


def busy(duo: Any) -> bool:
    """Whether the page has a callback in flight or a chart being resized."""
    return bool(duo.driver.execute_script(BUSY_JS))


def settle(duo: Any, timeout: float = 15.0) -> None:
    """Wait until the page is not ``busy`` (at most ``timeout`` s; a page that is gone or not
    Dash's counts as settled). dash_duo stops its server by raising SystemExit in every
    request thread: a callback still running then surfaces as an unhandled-thread warning
    (seen in CI dry runs after ax003 and view003, whose last check passed before the page's
    last callbacks were answered)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not busy(duo):
                return
        except Exception:  # the driver quit, or another page: nothing of ours in flight
            return
        time.sleep(0.1)
