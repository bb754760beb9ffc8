"""The online-access decision (pure), and the reporter obeying it before its first report."""

import itertools
import threading

import pytest

from renderfarm_reporter.core import build
from renderfarm_reporter.core.config import Endpoint, GRPC_WEB
from renderfarm_reporter.core.network_policy import OnlineAccess, decide, is_studio_address, resolve_addresses
from renderfarm_reporter.core.reporter import Identity, Reporter

OFF = OnlineAccess(allowed=False, forced=False)  # Blender 4.2+ in background mode, the default
ONLINE = OnlineAccess(allowed=True, forced=True)  # --online-mode
OFFLINE = OnlineAccess(allowed=False, forced=True)  # --offline-mode
IDENTITY = Identity("node-1", "0", "session-a", "4.3.2", "1.0.0")


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.1.20",
    "169.254.10.1", "::1", "fc00::1", "fd12:3456::7", "fe80::1", "fe80::1%eth0", "::ffff:192.168.0.9",
])
def test_addresses_that_cannot_be_on_the_internet_are_the_studios(address):
    assert is_studio_address(address)


@pytest.mark.parametrize("address", [
    "8.8.8.8", "172.15.255.255", "172.32.0.1", "192.169.0.1", "11.0.0.1", "100.64.0.1", "2001:db8::1",
    "2a00:1450::1", "::ffff:8.8.8.8", "0.0.0.0", "224.0.0.1",
])
def test_any_other_address_is_public(address):
    assert not is_studio_address(address)


def test_with_online_access_any_address_goes():
    assert decide("farm.example", ["8.8.8.8"], ONLINE) is None
    assert decide("farm.example", ["8.8.8.8"], OnlineAccess()) is None  # Blender before 4.2


def test_with_online_access_off_the_studio_network_goes():
    assert decide("farm", ["10.1.2.3"], OFF) is None
    assert decide("farm", ["192.168.0.5", "fd00::5"], OFF) is None


def test_with_online_access_off_a_public_address_is_refused_saying_how_to_allow_it():
    reason = decide("farm.example", ["10.1.2.3", "203.0.113.7"], OFF)
    assert "203.0.113.7" in reason and "farm.example" in reason
    assert "--online-mode" in reason and "Allow Online Access" in reason


def test_offline_mode_refuses_even_loopback():
    assert "--offline-mode" in decide("localhost", ["127.0.0.1"], OFFLINE)
    assert OFFLINE.offline_forced and not OFF.offline_forced and not ONLINE.offline_forced


def test_a_name_that_resolved_to_nothing_is_refused():
    assert "no address" in decide("farm", [], OFF)


def test_online_access_is_read_from_blender_or_assumed_before_4_2():
    class Blender43:
        online_access = False
        online_access_override = True

    class Blender34:
        pass

    assert OnlineAccess.of_blender(Blender43()) == OFFLINE
    assert OnlineAccess.of_blender(Blender34()) == OnlineAccess(allowed=True, forced=False)


def test_an_ip_address_resolves_to_itself_without_dns():
    assert resolve_addresses("10.0.0.7", 8000) == ["10.0.0.7"]
    assert resolve_addresses("fe80::1%lo", 8000) == ["fe80::1"]
    assert "127.0.0.1" in resolve_addresses("localhost", 8000)


class RecordingTransport:
    def __init__(self):
        self.calls = []
        self.called = threading.Event()

    def call(self, method, request, timeout):
        self.calls.append(method)
        self.called.set()
        return b"\x08\x01\x10\x88\x27"

    def close(self):
        pass

    def abort(self):
        pass


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_refusing_gate_stops_the_reporter_before_any_connection_and_says_so_once():
    transport, lines = RecordingTransport(), []
    reporter = Reporter(transport, IDENTITY, "http://farm.example:8000", lines.append, sequence=itertools.count(1),
                        gate=lambda: decide("farm.example", ["203.0.113.7"], OFF))
    reporter.start()
    reporter.join(2)
    reporter.stop()
    assert transport.calls == []
    assert len(lines) == 1 and lines[0].startswith("RenderFarm: Not reporting: 'farm.example' is a public address")
    assert reporter.refused is not None


def test_an_unresolvable_name_is_retried_as_an_outage_and_reports_once_it_resolves():
    transport, lines, answers = RecordingTransport(), [], [OSError(-2, "Name or service not known"), ["10.0.0.7"]]

    def gate():
        answer = answers.pop(0) if answers else ["10.0.0.7"]
        if isinstance(answer, Exception):
            raise answer
        return decide("farm", answer, OFF)

    now = [0.0]
    reporter = Reporter(transport, IDENTITY, "http://farm:8000", lines.append, clock=lambda: now[0],
                        sequence=itertools.count(1), gate=gate)
    assert not reporter._gate_open()
    assert transport.calls == [] and "cannot resolve the server's name" in lines[0]
    assert reporter._gate_open() and reporter._gate_open()  # passed once, not asked again
    assert answers == []


def test_the_gate_is_only_built_when_online_access_is_off():
    endpoint = Endpoint(GRPC_WEB, "127.0.0.1", 8000, False)
    assert build.network_gate(endpoint, ONLINE) is None
    assert build.network_gate(endpoint, OFF)() is None
    public = build.network_gate(Endpoint(GRPC_WEB, "203.0.113.7", 8000, False), OFF)
    assert "public address" in public()
