"""The Claim check names the universe it falls back to when russell3000 is not stored."""

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


def test_cu001_page_default_names_the_stand_in(svc: BreadthService) -> None:
    ch = choices(svc)
    text = str(claims_panel(svc, replace(ViewState(), tab="claims"), ch).to_plotly_json())
    label = svc.universe_info("sim-all").label
    note = fallback_note("sim-all", label)
    assert note == f"no russell3000 universe is stored: universe sim-all ({label}) used instead"
    assert f"Universe: {note}." in text  # the line under the heading
    assert text.count(note) >= 3  # and the caveat of the universe's two breadth rows


def test_cu002_a_chosen_universe_needs_no_note_and_all_shows_its_label(
    svc: BreadthService,
) -> None:
    ch = choices(svc)
    state = replace(ViewState(), tab="claims", claim_universe="all")
    text = str(claims_panel(svc, state, ch).to_plotly_json())
    assert "russell3000" not in text and "All stocks in the store" in text


def test_cu003_service_default_falls_back_to_all_and_says_so(svc: BreadthService) -> None:
    rot = RotationService(svc)
    assert rot.default_universe() == "all"
    assert rot.universe_fallback("") == fallback_note("all", "All stocks in the store")
    assert rot.universe_fallback("sim-all") == ""
    table = rot.claims(None, "", "sim-large")
    notes = table.set_index(["claim", "universe"])["note"]
    assert str(notes[("pct_above_200dma", "all")]).startswith(rot.universe_fallback(""))
    assert "russell3000" not in str(notes[("pct_new_highs_52w", "sim-large")])
