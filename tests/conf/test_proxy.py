"""Behind a reverse proxy (issue 15, point 6): X-Forwarded-Proto/For are believed from HEADWAY_TRUSTED_PROXIES
only; the SSL redirect never loops behind the proxy, HSTS is sent, and nobody else can claim HTTPS or an address."""

from __future__ import annotations

import json

import pytest

from headway.conf.config import load_config
from headway.conf.proxy import TrustedProxyMiddleware
from headway.core.errors import ConfigurationError
from tests.conf.test_config import _run_python


def seen(trusted, remote, **headers):
    captured = {}

    def app(environ, start_response):
        captured.update(environ)
        return []

    environ = {"REMOTE_ADDR": remote, "wsgi.url_scheme": "http", **headers}
    TrustedProxyMiddleware(app, trusted)(environ, lambda *a: None)
    return captured


def test_the_setting_takes_addresses_and_networks():
    assert load_config({"HEADWAY_TRUSTED_PROXIES": " 127.0.0.1, 10.0.0.0/8 ,::1"}).trusted_proxies == (
        "127.0.0.1/32", "10.0.0.0/8", "::1/128")
    assert load_config({}).trusted_proxies == ()
    with pytest.raises(ConfigurationError, match=r"'proxy\.local', which is not an IP address or network"):
        load_config({"HEADWAY_TRUSTED_PROXIES": "proxy.local"})


def test_a_trusted_proxy_sets_the_scheme_and_the_real_client():
    environ = seen(["10.0.0.0/8"], "10.1.2.3", HTTP_X_FORWARDED_PROTO="https",
                   HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9, 10.9.9.9")
    # the right-most address that is not a trusted proxy is the client (the left ones the client could forge)
    assert (environ["wsgi.url_scheme"], environ["REMOTE_ADDR"]) == ("https", "203.0.113.9")
    assert "HTTP_X_FORWARDED_FOR" not in environ and "HTTP_X_FORWARDED_PROTO" not in environ


def test_anyone_else_cannot_claim_https_or_an_address():
    environ = seen(["10.0.0.0/8"], "203.0.113.50", HTTP_X_FORWARDED_PROTO="https",
                   HTTP_X_FORWARDED_FOR="1.2.3.4", HTTP_FORWARDED="for=1.2.3.4;proto=https")
    assert (environ["wsgi.url_scheme"], environ["REMOTE_ADDR"]) == ("http", "203.0.113.50")
    assert not any(k.startswith(("HTTP_X_FORWARDED", "HTTP_FORWARDED")) for k in environ)
    none = seen([], "127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    assert none["wsgi.url_scheme"] == "http" and "HTTP_X_FORWARDED_PROTO" not in none


PRODUCTION = {"DJANGO_SETTINGS_MODULE": "headway.conf.production", "HEADWAY_SECRET_KEY": "p" * 20 + "Q9z!x" * 10,
              "HEADWAY_ALLOWED_HOSTS": "headway.example.com"}
WSGI_CALL = """
import json, io
from headway.conf.wsgi import application
out = {}
for remote in ("127.0.0.1", "203.0.113.50"):
    status = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/login/", "SERVER_NAME": "headway.example.com",
               "SERVER_PORT": "80", "HTTP_HOST": "headway.example.com", "REMOTE_ADDR": remote,
               "HTTP_X_FORWARDED_PROTO": "https", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
               "SERVER_PROTOCOL": "HTTP/1.1"}
    application(environ, lambda s, h, *a: status.append((s, dict(h))))
    out[remote] = [status[0][0], status[0][1].get("Location"), status[0][1].get("Strict-Transport-Security")]
from django.conf import settings
out["proxy_header"] = settings.SECURE_PROXY_SSL_HEADER
print(json.dumps(out))
"""


def test_behind_the_trusted_proxy_https_is_served_with_hsts_and_no_redirect_loop(tmp_path):
    result = _run_python(WSGI_CALL, {"HEADWAY_HOME": str(tmp_path), **PRODUCTION,
                                     "HEADWAY_TRUSTED_PROXIES": "127.0.0.1"})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    status, location, hsts = out["127.0.0.1"]
    assert status.startswith("200") and location is None  # the proxy said https: served, not redirected again
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    status, location, _ = out["203.0.113.50"]  # a client straight to the server cannot claim https
    assert status.startswith("301") and location == "https://headway.example.com/login/"
    assert out["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_without_a_trusted_proxy_the_forwarded_proto_is_never_believed(tmp_path):
    result = _run_python(WSGI_CALL, {"HEADWAY_HOME": str(tmp_path), **PRODUCTION})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["127.0.0.1"][0].startswith("301") and out["proxy_header"] is None
