from __future__ import annotations

import os
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from telephony.netcheck import stun

from .helpers import free_udp_port, require_tool


def _xor_mapped_response(txid: bytes, ip: str, port: int) -> bytes:
    raw = socket.inet_aton(ip)
    xport = port ^ (stun.MAGIC_COOKIE >> 16)
    xaddr = bytes(b ^ k for b, k in zip(raw, struct.pack("!I", stun.MAGIC_COOKIE), strict=True))
    attr = struct.pack("!HHBBH", stun.ATTR_XOR_MAPPED_ADDRESS, 8, 0, 1, xport) + xaddr
    return struct.pack("!HHI12s", stun.BINDING_SUCCESS, len(attr), stun.MAGIC_COOKIE, txid) + attr


def test_binding_request_format() -> None:
    txid = bytes(range(12))
    req = stun.build_binding_request(txid)
    assert req == b"\x00\x01\x00\x00\x21\x12\xa4\x42" + txid


def test_parse_xor_mapped_address() -> None:
    txid = os.urandom(12)
    assert stun.parse_binding_response(_xor_mapped_response(txid, "198.51.100.7", 40000), txid) == (
        "198.51.100.7",
        40000,
    )


def test_parse_rejects_wrong_transaction_and_garbage() -> None:
    txid = os.urandom(12)
    resp = _xor_mapped_response(txid, "198.51.100.7", 40000)
    assert stun.parse_binding_response(resp, os.urandom(12)) is None
    assert stun.parse_binding_response(resp[:10], txid) is None
    assert stun.parse_binding_response(resp[:-4], txid) is None  # truncated attribute
    assert stun.parse_binding_response(b"\x00" * 64, txid) is None


class _FakeNat:
    """Two loopback STUN responders that report a translated address; the mapped port
    depends on the server port when ``symmetric`` (a destination-dependent NAT)."""

    def __init__(self, symmetric: bool) -> None:
        self.socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
        for s in self.socks:
            s.bind(("127.0.0.1", 0))
            s.settimeout(0.1)
        self.symmetric = symmetric
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    @property
    def ports(self) -> list[int]:
        return [int(s.getsockname()[1]) for s in self.socks]

    def run(self) -> None:
        deadline = time.monotonic() + 10
        while not self.stop.is_set() and time.monotonic() < deadline:
            for i, s in enumerate(self.socks):
                try:
                    data, addr = s.recvfrom(2048)
                except TimeoutError:
                    continue
                txid = data[8:20]
                port = 40000 + (i if self.symmetric else 0)
                s.sendto(_xor_mapped_response(txid, "203.0.113.9", port), addr)

    def __enter__(self) -> _FakeNat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        for s in self.socks:
            s.close()


@pytest.mark.parametrize(
    ("symmetric", "mapping"),
    [(False, "endpoint-independent"), (True, "destination-port-dependent")],
)
def test_nat_mapping_classification(symmetric: bool, mapping: str) -> None:
    with _FakeNat(symmetric) as fake:
        res = stun.detect_nat("127.0.0.1", fake.ports, timeout=1.0)
    assert res.status == "ok" and res.nat_detected is True
    assert res.mapping == mapping


def test_no_stun_server_reports_no_response() -> None:
    res = stun.detect_nat("127.0.0.1", [free_udp_port()], timeout=0.5)
    assert res.status == "no-response" and res.nat_detected is None


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[list[int]]:
    """Two coturn STUN-only instances on loopback (one per destination port)."""
    binary = require_tool("turnserver", "coturn")
    procs: list[subprocess.Popen[bytes]] = []
    ports: list[int] = []
    try:
        for i in range(2):
            port = free_udp_port()
            ports.append(port)
            log = (tmp_path / f"turn{i}.log").open("wb")
            procs.append(
                subprocess.Popen(
                    [
                        binary, "-n", "--listening-ip=127.0.0.1", f"--listening-port={port}",
                        "--stun-only", "--no-auth", "--no-cli", "--no-tls", "--no-dtls",
                        "--log-file=stdout", "--simple-log",
                        f"--db={tmp_path / f'turndb{i}'}", f"--pidfile={tmp_path / f'turn{i}.pid'}",
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
        deadline = time.monotonic() + 10
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            for port in ports:
                while stun.binding(s, ("127.0.0.1", port), timeout=0.3) is None:
                    if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                        pytest.fail("coturn did not start: " + (tmp_path / "turn0.log").read_text())
        yield ports
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)


@pytest.mark.realservice
def test_coturn_loopback_no_nat(coturn: list[int]) -> None:
    res = stun.detect_nat("127.0.0.1", coturn, timeout=2.0)
    assert res.status == "ok"
    assert res.nat_detected is False
    assert res.mapped_address == res.local_address
    assert res.mapping == "endpoint-independent"
