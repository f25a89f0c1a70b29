"""bench/targets.py: verdicts and the table of the #16 speed targets."""

from __future__ import annotations

import json
import math

from bench.targets import Row, skipped, table, to_json


def test_bt001_verdicts_follow_the_sense_and_the_limit() -> None:
    assert Row("T1", "ratio", 21.0, "x", 20.0, ">=").verdict == "pass"
    assert Row("T1", "ratio", 19.9, "x", 20.0, ">=").verdict == "FAIL"
    assert Row("T3", "first load", 1.5, "s", 1.5).verdict == "pass"  # the limit itself passes
    assert Row("T3", "first load", 1.51, "s", 1.5).verdict == "FAIL"
    assert Row("T2", "context", 3.0, "s").verdict == "-"
    assert skipped("T2", "cold universe", "s", "one universe stored", 0.8).verdict == "skipped"


def test_bt002_table_and_json_say_what_was_not_measured() -> None:
    rows = [Row("T7", "PNG report", 2.345, "s", 3.0), skipped("T6", "scale", "s", "no --scale")]
    text = table(rows)
    assert "2.35 s" in text and "<= 3.00 s" in text and "pass" in text
    assert "skipped" in text and "no --scale" in text
    data = json.loads(to_json(rows, "test machine"))
    assert data["machine"] == "test machine"
    assert data["rows"][1]["value"] is None and data["rows"][0]["verdict"] == "pass"
    assert math.isclose(data["rows"][0]["value"], 2.345)
