"""Phone layout pieces without a browser: card tables label every cell from its header."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components.page.tables import card_table


def test_ph101_card_table_labels_each_cell_from_its_header_whatever_the_columns() -> None:
    heads = ["Claim", "The note said", html.Span(["Verdict ", html.Small("(as of)")])]
    rows = [[html.Td("a"), html.Td("b"), html.Td("c")], [html.Td("d"), html.Td("e")]]
    table = dbc.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in heads])),
            html.Tbody([html.Tr(r) for r in rows]),
        ],
        className="claims-table mb-1",
    )
    out = card_table(table).to_plotly_json()
    assert out["props"]["className"] == "claims-table mb-1 card-table"
    body = out["props"]["children"][1].children
    labels = [[td.to_plotly_json()["props"].get("data-label") for td in tr.children] for tr in body]
    assert labels == [["Claim", "The note said", "Verdict (as of)"], ["Claim", "The note said"]]
    assert card_table(dbc.Table([], class_name="x")).class_name == "x card-table"
