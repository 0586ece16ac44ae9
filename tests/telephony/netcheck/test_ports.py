from __future__ import annotations

import errno
import socket

import pytest

from telephony.netcheck import ports
from telephony.netcheck.reflector import Reflector, ReflectorConfig

from .helpers import free_udp_port


def _closed_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_classify_connect_errors() -> None:
    assert ports.classify_connect_error(TimeoutError())[0] == ports.FILTERED
    assert ports.classify_connect_error(ConnectionRefusedError())[0] == ports.REFUSED
    assert ports.classify_connect_error(OSError(errno.EHOSTUNREACH, "x"))[0] == ports.FILTERED
    assert ports.classify_connect_error(OSError(errno.EACCES, "x"))[0] == ports.ERROR


def test_net2_default_matrix_covers_spec() -> None:
    tcp = {p.port for p in ports.NET2_TCP}
    udp = {p.port for p in ports.NET2_UDP}
    assert {443, 8443, 4443, 1300, 636, 8636, 5060, 5061, 3478} <= tcp
    assert {3478, 5060, 5061} <= udp
    assert any(16384 <= p <= 32767 for p in udp)
    assert any(50000 <= p <= 50100 for p in udp)
    assert any(60000 <= p <= 60100 for p in udp)


def test_tcp_open_refused_and_filtered_on_loopback() -> None:
    with socket.socket() as listener, socket.socket() as full, socket.socket() as holder:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        open_port = int(listener.getsockname()[1])
        # A listener whose accept queue is full drops new SYNs: looks like a firewall drop.
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        holder.settimeout(2)
        holder.connect(full.getsockname())
        filtered_port = int(full.getsockname()[1])
        refused_port = _closed_tcp_port()
        specs = [
            ports.PortSpec("tcp", open_port, "open"),
            ports.PortSpec("tcp", refused_port, "refused"),
            ports.PortSpec("tcp", filtered_port, "filtered"),
        ]
        result = ports.check_ports("127.0.0.1", specs, tcp_timeout=0.5)
    assert [r.status for r in result] == [ports.OPEN, ports.REFUSED, ports.FILTERED]
    assert result[0].rtt_ms is not None


def test_udp_open_only_with_reflector_echo() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))  # bound but never answers
        silent_port = int(silent.getsockname()[1])
        with Reflector(ReflectorConfig(udp_ports=[0, 0])) as refl:
            specs = [ports.PortSpec("udp", p, "reflected") for p in refl.udp_ports]
            specs += [
                ports.PortSpec("udp", free_udp_port(), "nothing bound"),
                ports.PortSpec("udp", silent_port, "silent"),
            ]
            result = ports.check_ports("127.0.0.1", specs, udp_timeout=0.6)
    statuses = [r.status for r in result]
    assert statuses == [ports.OPEN, ports.OPEN, ports.CLOSED, ports.NO_REPLY]


def test_reflector_tcp_listeners_accept() -> None:
    with Reflector(ReflectorConfig(udp_ports=[0], tcp_ports=[0, 0])) as refl:
        specs = [ports.PortSpec("tcp", p, "x") for p in refl.tcp_ports]
        result = ports.check_ports("127.0.0.1", specs, tcp_timeout=1.0)
    assert all(r.status == ports.OPEN for r in result)


def test_unknown_protocol_rejected() -> None:
    with pytest.raises(ValueError):
        ports.check_ports("127.0.0.1", [ports.PortSpec("sctp", 1, "x")])
