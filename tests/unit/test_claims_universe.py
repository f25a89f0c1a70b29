"""The Claim check uses the page's universe (or a visible override) and names it; the CLI
falls back to ``all`` when russell3000 is not stored and says so."""

from __future__ import annotations

from dataclasses import replace

import pytest

from components.claims.view import claims_panel
from components.context import choices
from components.url.fields import ViewState
from data.jobs import load_demo
from data.store import Store
from service.breadth import BreadthService
from service.rotation import RotationService, fallback_note


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> BreadthService:
    store = Store(tmp_path_factory.mktemp("claims") / "s")
    load_demo(store, seed=1, n_tickers=300, years=4)
    return BreadthService(store)


def test_cu001_the_page_universe_drives_the_claims_and_says_so(svc: BreadthService) -> None:
    """One universe drives every tab: without ``cu`` the claims use the page's universe, and
    the line under the heading names it and says the note was about the Russell 3000."""
    ch = choices(svc)
    state = replace(ViewState(), tab="claims", universe="sim-small")
    panel = claims_panel(svc, state, ch)
    text = str(panel.to_plotly_json())
    label = svc.universe_info("sim-small").label
    assert f"Universe: {label} (the page's universe)." in text
    assert "The note's breadth figures are about the Russell 3000" in text


def test_cu002_an_override_is_visible_and_all_shows_its_label(
    svc: BreadthService,
) -> None:
    ch = choices(svc)
    state = replace(ViewState(), tab="claims", universe="sim-small", claim_universe="all")
    text = str(claims_panel(svc, state, ch).to_plotly_json())
    assert "Universe: All stocks in the store (set on this tab (cu in the link))." in text
    assert "sim-small" not in text.split("Figures as of")[1].split("claims-table")[0]


def test_cu003_service_default_falls_back_to_all_and_says_so(svc: BreadthService) -> None:
    rot = RotationService(svc)
    assert rot.default_universe() == "all"
    assert rot.universe_fallback("") == fallback_note("all", "All stocks in the store")
    assert rot.universe_fallback("sim-all") == ""
    table = rot.claims(None, "", "sim-large")
    notes = table.set_index(["claim", "universe"])["note"]
    assert str(notes[("pct_above_200dma", "all")]).startswith(rot.universe_fallback(""))
    assert "russell3000" not in str(notes[("pct_new_highs_52w", "sim-large")])
