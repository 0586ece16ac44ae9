"""Health check, OpenAPI schema and interactive API docs."""

from __future__ import annotations

import re

from django.test import Client


def test_healthz_answers_ok_when_database_is_reachable(db: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_openapi_schema_lists_every_resource(db: None) -> None:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/resellers/",
        "/api/v1/customers/",
        "/api/v1/customers/{id}/suspend/",
        "/api/v1/api-keys/",
        "/api/v1/audit-events/",
    ):
        assert path in schema["paths"], path
    assert "apiKey" in schema["components"]["securitySchemes"]


def test_api_docs_page_loads_vendored_assets(db: None) -> None:
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    # Every script and stylesheet is served by the platform itself (no CDN, works offline).
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert Client().get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
