"""Cookies that work inside the EHR's iframe (a third-party context).

Chromium keeps third-party cookies only when they are partitioned per top-level site
(CHIPS: the `Partitioned` attribute, which needs `Secure` and is meant for
`SameSite=None`). Django 5.2 has no setting for it, Python 3.11's http.cookies knows
no such attribute (Morsel gains `partitioned` in Python 3.14), and no maintained
Django package adds it, so this middleware does: every cookie the response sets
with `SameSite=None; Secure` (the session and CSRF cookies in production) also
gets `; Partitioned`.
"""

from __future__ import annotations

from http.cookies import Morsel

from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin


class PartitionedMorsel(Morsel):
    """A cookie written with the `Partitioned` attribute."""

    def OutputString(self, attrs=None) -> str:  # noqa: N802 - Morsel's own name
        return f"{super().OutputString(attrs)}; Partitioned"


class PartitionedCookieMiddleware(MiddlewareMixin):
    """Adds `Partitioned` to every `SameSite=None; Secure` cookie. Place it above
    SessionMiddleware and CsrfViewMiddleware so it sees the cookies they set."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        for name, morsel in list(response.cookies.items()):
            cross_site = str(morsel["samesite"]).lower() == "none" and morsel["secure"]
            if cross_site and not isinstance(morsel, PartitionedMorsel):
                partitioned = PartitionedMorsel()
                partitioned.set(morsel.key, morsel.value, morsel.coded_value)
                partitioned.update(morsel)
                response.cookies[name] = partitioned
        return response
