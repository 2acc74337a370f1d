"""Webhook signatures: HMAC-SHA256 over ``timestamp.body``, sent as ``X-Headway-Signature: sha256=<hex>`` with
``X-Headway-Timestamp: <unix seconds>``; a receiver refuses a timestamp older than the tolerance (a replay)."""

from __future__ import annotations

import hashlib
import hmac

TOLERANCE_SECONDS = 300


def sign_body(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(secret: str, timestamp: int, body: bytes, signature: str, *, now: int,
                     tolerance: int = TOLERANCE_SECONDS) -> bool:
    """Whether ``signature`` signs ``body`` at ``timestamp`` with ``secret`` and ``timestamp`` is within
    ``tolerance`` seconds of ``now`` (what a receiver checks)."""
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign_body(secret, timestamp, body), signature)
