"""Posting the alerts document to a webhook (stdlib urllib: one POST of JSON, no retries;
``requests`` is not a dependency of the project and one POST does not need it)."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from data.errors import BreadthError, InputError


class WebhookError(BreadthError):
    """The webhook did not take the document (refused, timed out, not 2xx): CLI exit 1."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would repeat a redirected POST as a GET without the body, so
    the document would be lost behind a 2xx. A 3xx is reported as the answer instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host; InputError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--webhook {url!r}: expected an http:// or https:// URL with a host")
    return url


def where(url: str) -> str:
    """The URL without its path and query (a webhook's path often holds its secret)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def post_json(url: str, document: dict[str, Any], timeout: float = 10.0) -> int:
    """POST ``document`` as JSON (UTF-8) to ``url``, no redirects followed; the HTTP status
    (2xx), or WebhookError with one line saying what went wrong."""
    body = json.dumps(document, allow_nan=False).encode()
    request = urllib.request.Request(
        check_url(url),
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "breadth-monitor-alerts"},
    )
    target = where(url)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"webhook {target} answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError):
            text = "connection refused"
        elif isinstance(reason, TimeoutError | socket.timeout):
            text = f"no answer within {timeout:g} s"
        else:
            text = str(reason)
        raise WebhookError(f"webhook {target}: {text}") from None
    except (TimeoutError, OSError) as exc:
        text = f"no answer within {timeout:g} s" if isinstance(exc, TimeoutError) else str(exc)
        raise WebhookError(f"webhook {target}: {text}") from None
    if not 200 <= status < 300:
        raise WebhookError(f"webhook {target} answered HTTP {status}")
    return status
