from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from telephony.netcheck.upload import UploadError, upload_result

RECEIVED: list[dict[str, Any]] = []


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        RECEIVED.append(
            {
                "path": self.path,
                "auth": self.headers.get("Authorization"),
                "ctype": self.headers.get("Content-Type"),
                "body": json.loads(body),
            }
        )
        status = 401 if self.headers.get("Authorization") != "Bearer good" else 201
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    RECEIVED.clear()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/api/netcheck/results"
    finally:
        httpd.shutdown()
        thread.join(timeout=5)
        httpd.server_close()


def test_upload_posts_json_with_bearer(server: str) -> None:
    assert upload_result(server, "good", {"schema": 1, "overall": "pass"}) == 201
    (req,) = RECEIVED
    assert req["path"] == "/api/netcheck/results"
    assert req["auth"] == "Bearer good"
    assert req["ctype"] == "application/json"
    assert req["body"] == {"schema": 1, "overall": "pass"}


def test_upload_rejected_raises(server: str) -> None:
    with pytest.raises(UploadError, match="401"):
        upload_result(server, "bad", {})


def test_upload_refuses_other_schemes_and_bad_tokens() -> None:
    with pytest.raises(UploadError):
        upload_result("file:///etc/passwd", "t", {})
    with pytest.raises(UploadError):
        upload_result("http://127.0.0.1:1/", "a\nb", {})
