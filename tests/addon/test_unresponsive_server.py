"""A server that accepts connections and never answers: every call ends at its timeout, and
however many attempts the reporter makes, its memory, threads and sockets stay flat."""

import gc
import os
import subprocess
import sys
import threading
import time
import tracemalloc

import pytest

from renderfarm_reporter.core import grpc_native, reporter as reporter_module
from renderfarm_reporter.core.backoff import Backoff
from renderfarm_reporter.core.config import Endpoint
from renderfarm_reporter.core.grpc_web import GrpcWebTransport
from renderfarm_reporter.core.render_tracker import RenderSnapshot
from renderfarm_reporter.core.reporter import Identity, Reporter
from renderfarm_reporter.core.status import RpcError


# Runs in a child process, so the connections it holds do not count among ours.
_BLACKHOLE = """
import socket, sys
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(128)
print(listener.getsockname()[1], flush=True)
held = []
while True:
    held.append(listener.accept()[0])
"""


@pytest.fixture
def blackhole():
    """A loopback listener that accepts every connection, reads nothing and writes nothing."""
    process = subprocess.Popen([sys.executable, "-c", _BLACKHOLE], stdout=subprocess.PIPE, text=True)
    try:
        yield int(process.stdout.readline())
    finally:
        process.kill()
        process.wait()


def _transport(kind, port):
    if kind == "grpc":
        pytest.importorskip("grpc")
        return grpc_native.NativeTransport(Endpoint("grpc", "127.0.0.1", port, False))
    return GrpcWebTransport(Endpoint("grpc-web", "127.0.0.1", port, False))


def _open_descriptors():
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize("kind", ["grpc", "grpc-web"])
@pytest.mark.integration
def test_a_call_to_a_silent_server_ends_at_its_timeout(blackhole, kind):
    transport = _transport(kind, blackhole)
    try:
        started = time.monotonic()
        with pytest.raises(RpcError):
            transport.call(reporter_module.REPORT, b"", timeout=0.3)
        elapsed = time.monotonic() - started
    finally:
        transport.close()
    assert 0.25 <= elapsed < 2.0


@pytest.mark.parametrize("kind", ["grpc", "grpc-web"])
@pytest.mark.integration
def test_abort_from_another_thread_ends_a_call_to_a_silent_server_at_once(blackhole, kind):
    # What Reporter.stop() does at exit when the sign-off's second is up and a call is still waiting.
    transport = _transport(kind, blackhole)
    outcome = []

    def call():
        started = time.monotonic()
        try:
            transport.call(reporter_module.REPORT, b"", timeout=30)
        except RpcError as error:
            outcome.append((time.monotonic() - started, error))

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.3)  # the call is under way: connected, its request sent, no reply
    aborted = time.monotonic()
    transport.abort()
    caller.join(5)
    transport.close()
    assert not caller.is_alive(), "the call went on after abort()"
    assert outcome and time.monotonic() - aborted < 2.0, outcome


@pytest.mark.parametrize("kind", ["grpc", "grpc-web"])
@pytest.mark.integration
def test_hundreds_of_attempts_leave_memory_threads_and_sockets_flat(blackhole, kind, monkeypatch):
    monkeypatch.setattr(reporter_module, "CALL_TIMEOUT", 0.02)
    lines = []
    attempts = []
    transport = _transport(kind, blackhole)
    real_call = transport.call

    def counted_call(method, request, timeout):
        attempts.append(method)
        return real_call(method, request, timeout)

    transport.call = counted_call
    reporter = Reporter(transport, Identity("leak-node", "0", "session", "3.4.1", "1.0.0"), "blackhole",
                        lines.append, backoff=Backoff(initial=0.001, maximum=0.002))
    reporter.start()
    frame = 0

    def run_until(count):
        nonlocal frame
        deadline = time.monotonic() + 60
        while len(attempts) < count and time.monotonic() < deadline:
            frame += 1
            reporter.publish(RenderSnapshot(rendering=frame % 2 == 0, current_frame=frame))
            time.sleep(0.005)
        assert len(attempts) >= count, f"only {len(attempts)} attempts"

    try:
        run_until(50)  # warm up: caches, the first connection, lazily created objects
        gc.collect()
        tracemalloc.start()
        before_memory = tracemalloc.get_traced_memory()[0]
        before_threads = threading.active_count()
        before_descriptors = _open_descriptors()

        run_until(400)
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0] - before_memory
        tracemalloc.stop()
    finally:
        reporter.stop(timeout=0.1)
        reporter.join(2)

    assert growth < 64 * 1024, f"traced memory grew by {growth} bytes over {len(attempts) - 50} attempts"
    assert threading.active_count() <= before_threads
    assert _open_descriptors() <= before_descriptors + 2
    # One line for the whole outage, not one per attempt.
    assert len([line for line in lines if "cannot reach" in line]) == 1
