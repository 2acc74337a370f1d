"""Believe ``X-Forwarded-Proto`` and ``X-Forwarded-For`` only from the trusted proxies (``HEADWAY_TRUSTED_PROXIES``).

A WSGI wrapper around the application, so it holds for waitress (``headway serve``) and any other server. From a
trusted peer, the scheme becomes the forwarded one (Django then sees HTTPS, so the SSL redirect does not loop)
and ``REMOTE_ADDR`` the real client: the right-most forwarded address that is not itself a trusted proxy. From
anyone else, every forwarding header is dropped, so a client cannot claim HTTPS or another address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                      "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_BY", "HTTP_FORWARDED", "HTTP_X_REAL_IP")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Any]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class TrustedProxyMiddleware:
    """Apply the forwarded scheme and client address from trusted proxies; drop them from anyone else."""

    def __init__(self, app: WSGIApp, trusted: Iterable[str]) -> None:
        self.app = app
        self.networks: tuple[Network, ...] = tuple(ipaddress.ip_network(n, strict=False) for n in trusted)

    def is_trusted(self, address: str) -> bool:
        """Whether ``address`` lies in one of the trusted networks."""
        ip = _address(address)
        return ip is not None and any(ip in network for network in self.networks)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.networks and self.is_trusted(str(environ.get("REMOTE_ADDR", ""))):
            self._apply(environ)
        for header in FORWARDING_HEADERS:
            environ.pop(header, None)
        return self.app(environ, start_response)

    def _apply(self, environ: dict[str, Any]) -> None:
        proto = str(environ.get("HTTP_X_FORWARDED_PROTO", "")).split(",")[-1].strip().lower()
        if proto in ("http", "https"):
            environ["wsgi.url_scheme"] = proto
            environ["HTTPS"] = "on" if proto == "https" else "off"
        hops = [h.strip() for h in str(environ.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
        for hop in reversed(hops):
            if _address(hop) is None:
                break
            if not self.is_trusted(hop):
                environ["REMOTE_ADDR"] = str(_address(hop))
                break
