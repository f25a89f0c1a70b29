"""Alerts: rules on breadth series and signals (``rules``), evaluated on one session
(``check``) and posted to a webhook (``webhook``). The CLI's ``alerts check`` and the page's
header badge both evaluate through ``check.evaluate``."""
