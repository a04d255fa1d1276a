"""Where this server may send a request on an LMS's behalf: its registration's own origins, never inside the network.

Every URL a registration or a launch gives (JWKS, token, line items, scores,
roster) is checked here before any request: its origin must be one of the
registration's (issuer, login, token and JWKS URLs) or one the administrator
allows (`LTI_ALLOWED_ORIGINS`), and its host must not resolve to a loopback,
private, link-local or otherwise reserved address unless
`LTI_ALLOW_PRIVATE_ADDRESSES` is on (the test platform listens on 127.0.0.1).
Redirects are not followed: a redirect could lead anywhere.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings

# (connect, read) seconds: a platform that hangs must not hold a web process or a worker.
TIMEOUT_SECONDS = (5, 15)


class UrlRefused(Exception):
    """A URL this server will not call; the message names the URL's origin and why, nothing remote."""


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def registration_origins(platform) -> set[str]:
    urls = (platform.issuer, platform.auth_login_url, platform.auth_token_url, platform.key_set_url)
    return {origin(url) for url in urls if url} | {o.rstrip("/").lower() for o in settings.LTI_ALLOWED_ORIGINS}


def _address_refused(host: str, *, unknown_host_ok: bool) -> str | None:
    if settings.LTI_ALLOW_PRIVATE_ADDRESSES:
        return None
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return None if unknown_host_ok else "host not found"
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if (address.is_loopback or address.is_private or address.is_link_local or address.is_reserved
                or address.is_multicast or address.is_unspecified):
            return "private or loopback address"
    return None


def url_check(url: str, *, origins: set[str] | None = None, unknown_host_ok: bool = False) -> None:
    """Raise UrlRefused unless `url` is http(s), on one of `origins` (when given) and on a public address.

    `unknown_host_ok`: a registration may name a host this server cannot resolve yet (checked again at each call).
    """
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlRefused(f"not an http(s) URL: {url[:100]!r}")
    if origins is not None and origin(url) not in origins:
        raise UrlRefused(f"{origin(url)} is not one of this registration's origins")
    reason = _address_refused(parts.hostname, unknown_host_ok=unknown_host_ok)
    if reason:
        raise UrlRefused(f"{origin(url)}: {reason}")


class GuardedSession(requests.Session):
    """The requests session of every call to an LMS: URL checked first, time-outs, no redirects."""

    def __init__(self, origins: set[str] | None = None):
        super().__init__()
        self.origins = origins

    def request(self, method, url, *args, **kwargs):
        try:
            url_check(url, origins=self.origins)
        except UrlRefused as exc:
            # A RequestException: pylti1p3 and our callers already handle those as "the call failed".
            raise requests.exceptions.InvalidURL(str(exc)) from exc
        kwargs["timeout"] = kwargs.get("timeout") or TIMEOUT_SECONDS
        kwargs["allow_redirects"] = False
        return super().request(method, url, *args, **kwargs)
