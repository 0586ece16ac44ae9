"""The error page of an unexpected failure is the portal's own, in German (with one English line),
not Django's bare "Server Error (500)"."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import path


def _broken(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("boom")


urlpatterns = [path("broken/", _broken)]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_unexpected_failure_shows_the_german_error_page(db: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="de">' in body
    assert "Interner Fehler" in body
    assert "Server Error (500)" not in body
