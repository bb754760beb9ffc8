import itertools
import random
import struct
import threading
import time

from renderfarm_reporter.core.backoff import Backoff
from renderfarm_reporter.core.messages import RENDER_STATE_RENDERING, ReportRequest
from renderfarm_reporter.core.render_tracker import RenderSnapshot, SceneInfo
from renderfarm_reporter.core.reporter import REPORT, SIGN_OFF, Identity, Reporter
from renderfarm_reporter.core.status import RpcError, StatusCode
from renderfarm_reporter.core.wire import fields

IDENTITY = Identity("node-1", "0", "session-a", "3.4.1", "1.0.0")
REPLY_5S = b"\x08\x01\x10\x88\x27"  # applied, heartbeat_interval_ms 5000


class FakeTransport:
    """Answers from a script of replies (bytes) or errors (RpcError); records each call."""

    def __init__(self, *script, hang=None):
        self.script = list(script)
        self.calls = []
        self.hang = hang
        self.aborted = False
        self.called = threading.Event()

    def call(self, method, request, timeout):
        self.calls.append((method, request, timeout))
        self.called.set()
        if self.hang and method == REPORT:
            self.hang.wait(10)
        outcome = self.script.pop(0) if self.script else REPLY_5S
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def close(self):
        pass

    def abort(self):
        # As the real transports do: the call in progress returns at once, with an error.
        self.aborted = True
        if self.hang:
            self.hang.set()


def make(transport, clock, lines):
    return Reporter(transport, IDENTITY, "grpc://farm:50051", lines.append, clock=clock,
                    backoff=Backoff(rng=random.Random(0)), sequence=itertools.count(1),
                    cpu_seconds=lambda: 12.5, resident_memory=lambda: 4096)


def sent(transport, index=-1):
    return dict((number, value) for number, _, value in fields(transport.calls[index][1]))


def unavailable():
    return RpcError(StatusCode.UNAVAILABLE, "connection refused")


def test_a_report_carries_identity_state_and_process_figures(clock):
    transport, lines = FakeTransport(), []
    reporter = make(transport, clock, lines)
    reporter._report(RenderSnapshot(rendering=True, scene_info=SceneInfo(scene="Scene", engine="CYCLES"),
                                    current_frame=7, job_frame_start=1, job_frame_end=10, frames_rendered=6))
    expected = ReportRequest(host="node-1", instance="0", session_id="session-a", sequence=1,
                             state=RENDER_STATE_RENDERING, blender_version="3.4.1", addon_version="1.0.0",
                             scene="Scene", engine="CYCLES", current_frame=7, job_frame_start=1, job_frame_end=10,
                             frames_rendered=6, process_cpu_seconds=12.5, resident_memory_bytes=4096)
    assert transport.calls[0][0] == REPORT
    assert transport.calls[0][1] == expected.encode()
    assert transport.calls[0][2] <= 5
    assert lines == []


def test_heartbeat_follows_the_interval_the_server_asks_for(clock):
    transport = FakeTransport(b"\x08\x01\x10\xd0\x0f")  # 2000 ms
    reporter = make(transport, clock, [])
    reporter._report(RenderSnapshot())
    reporter._changed = False
    clock.advance(1.9)
    assert not reporter._due()
    clock.advance(0.2)
    assert reporter._due()


def test_sequence_grows_with_every_report(clock):
    transport = FakeTransport()
    reporter = make(transport, clock, [])
    for _ in range(3):
        reporter._report(RenderSnapshot())
    assert [sent(transport, i)[4] for i in range(3)] == [1, 2, 3]


def test_an_outage_is_said_once_however_many_attempts_fail_and_its_end_once(clock):
    transport = FakeTransport(*[unavailable()] * 6, RpcError(StatusCode.DEADLINE_EXCEEDED, "no reply within 5 s"))
    lines = []
    reporter = make(transport, clock, lines)
    for _ in range(7):
        reporter._report(RenderSnapshot())
        clock.advance(reporter._next_attempt - clock())
    assert len(lines) == 1
    assert lines[0].startswith(
        "RenderFarm: cannot reach the server at grpc://farm:50051 (UNAVAILABLE: connection refused)")
    reporter._report(RenderSnapshot())
    assert len(lines) == 2
    assert lines[1].startswith("RenderFarm: reporting to grpc://farm:50051 again")


def test_attempts_during_an_outage_back_off_exponentially_up_to_thirty_seconds(clock):
    transport = FakeTransport(*[unavailable()] * 12)
    reporter = make(transport, clock, [])
    delays = []
    for _ in range(12):
        reporter._report(RenderSnapshot())
        delays.append(reporter._next_attempt - clock())
        clock.advance(delays[-1])
    assert delays[0] <= 0.5
    assert all(later >= earlier * 0.9 for earlier, later in zip(delays[:6], delays[1:6]))
    assert max(delays) <= 30
    assert delays[-1] >= 15


def test_a_state_change_during_an_outage_waits_for_the_next_attempt(clock):
    reporter = make(FakeTransport(unavailable()), clock, [])
    reporter._report(RenderSnapshot())
    reporter.publish(RenderSnapshot(rendering=True))
    assert not reporter._due()
    clock.advance(reporter._next_attempt - clock())
    assert reporter._due()


def test_after_recovery_a_state_change_is_due_at_once(clock):
    reporter = make(FakeTransport(unavailable(), REPLY_5S), clock, [])
    reporter._report(RenderSnapshot())
    clock.advance(reporter._next_attempt - clock())
    reporter._report(RenderSnapshot())
    reporter._changed = False
    assert not reporter._due()
    reporter.publish(RenderSnapshot(rendering=True))
    assert reporter._due()


def test_a_refused_token_is_said_once_clearly_and_retried_only_every_thirty_seconds(clock):
    refused = RpcError(StatusCode.UNAUTHENTICATED, "authorization: expected 'Bearer <token>'")
    transport, lines = FakeTransport(refused, refused, refused), []
    reporter = make(transport, clock, lines)
    for _ in range(3):
        reporter._report(RenderSnapshot())
        assert reporter._next_attempt - clock() == 30
        clock.advance(30)
    assert len(lines) == 1
    assert "refused the token (UNAUTHENTICATED" in lines[0] and "RENDERFARM_TOKEN" in lines[0]


def test_an_invalid_report_is_said_once_and_not_retried_in_a_tight_loop(clock):
    invalid = RpcError(StatusCode.INVALID_ARGUMENT, "instance: must not be empty")
    lines = []
    reporter = make(FakeTransport(invalid, invalid), clock, lines)
    reporter._report(RenderSnapshot())
    reporter.publish(RenderSnapshot(rendering=True))
    assert not reporter._due()
    assert reporter._next_attempt - clock() == 30
    assert lines == ["RenderFarm: the server at grpc://farm:50051 refused the report (INVALID_ARGUMENT: instance: "
                     "must not be empty); check RENDERFARM_SERVER, RENDERFARM_HOST and RENDERFARM_INSTANCE. "
                     "Trying again every 30 s."]


def test_resource_exhausted_backs_off(clock):
    lines = []
    reporter = make(FakeTransport(RpcError(StatusCode.RESOURCE_EXHAUSTED, "instance limit")), clock, lines)
    reporter._report(RenderSnapshot())
    assert 0 < reporter._next_attempt - clock() <= 0.5
    assert "is at its limit (RESOURCE_EXHAUSTED: instance limit)" in lines[0]


def test_an_undecodable_reply_counts_as_a_failed_attempt(clock):
    lines = []
    reporter = make(FakeTransport(b"\x10"), clock, lines)
    reporter._report(RenderSnapshot())
    assert "INTERNAL: undecodable reply" in lines[0]


def wait_until(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_the_thread_sends_a_change_at_once_and_signs_off_on_stop():
    transport = FakeTransport()
    reporter = Reporter(transport, IDENTITY, "grpc://farm", lambda _: None, sequence=itertools.count(1))
    reporter.start()
    wait_until(lambda: len(transport.calls) == 1)
    reporter.publish(RenderSnapshot(rendering=True))
    wait_until(lambda: len(transport.calls) == 2)
    assert sent(transport)[5] == RENDER_STATE_RENDERING
    reporter.publish(RenderSnapshot(rendering=True))  # the same state again is not news
    reporter.stop()
    assert [method for method, _, _ in transport.calls] == [REPORT, REPORT, SIGN_OFF]


def test_a_change_published_just_before_stop_goes_out_before_the_sign_off():
    # At exit: a render that failed (or just completed) must reach the farm's counts before the instance leaves.
    transport = FakeTransport()
    reporter = Reporter(transport, IDENTITY, "grpc://farm", lambda _: None, sequence=itertools.count(1))
    reporter.start()
    wait_until(lambda: len(transport.calls) == 1)
    reporter.publish(RenderSnapshot(renders_failed=1, render_failure="output not written: /out/f0001.png"))
    reporter.stop()
    assert [method for method, _, _ in transport.calls] == [REPORT, REPORT, SIGN_OFF]
    assert sent(transport, 1)[27] == 1 and sent(transport, 1)[28] == b"output not written: /out/f0001.png"
    assert transport.calls[1][2] <= 0.5  # within half the sign-off's second


def test_progress_is_not_urgent_but_rides_the_next_report_as_ages_on_the_monotonic_clock(clock):
    transport = FakeTransport()
    reporter = make(transport, clock, [])
    reporter._changed = False
    snapshot = RenderSnapshot(rendering=True, current_frame=7, frame_started_at=clock() - 30.0,
                              progress_at=clock() - 2.5, frame_samples=(12, 64))
    reporter.publish(snapshot, urgent=False)
    assert not reporter._changed  # no report of its own: Blender shows progress dozens of times a frame
    reporter._report(reporter._latest_state)
    fields_sent = sent(transport)
    seconds = [struct.unpack("<d", fields_sent[number])[0] for number in (29, 30)]
    assert (seconds, fields_sent[31], fields_sent[32]) == ([30.0, 2.5], 12, 64)
    reporter._report(RenderSnapshot(rendering=True))
    assert not {29, 30, 31, 32} & set(sent(transport))  # between frames: absent


def test_a_busy_process_is_progress_between_blenders_rare_stats_calls_and_an_idle_one_is_not(clock):
    # Cycles in the background calls render_stats at a frame's first sample and its last: the CPU time stands in.
    cpu = [100.0]
    transport = FakeTransport()
    reporter = Reporter(transport, IDENTITY, "grpc://farm", lambda _: None, clock=clock, sequence=itertools.count(1),
                        cpu_seconds=lambda: cpu[0], resident_memory=lambda: 4096)
    frame = RenderSnapshot(rendering=True, frame_started_at=clock(), progress_at=clock())

    def age_after(seconds, cpu_seconds):
        clock.advance(seconds)
        cpu[0] += cpu_seconds
        reporter._report(frame)
        return struct.unpack("<d", sent(transport)[30])[0]

    assert age_after(0, 0) == 0.0
    assert age_after(5, 4.0) == 0.0  # rendering on the CPU: busy, so the frame is alive
    assert age_after(5, 0.5) == 0.0  # a GPU render's host thread: a tenth of a core is still busy
    assert age_after(5, 0.01) == 5.0  # a hung driver or a deadlock: idle since the last report
    assert age_after(5, 0.0) == 10.0


def test_stop_returns_within_about_a_second_while_the_server_hangs():
    hang = threading.Event()
    transport = FakeTransport(hang=hang)
    reporter = Reporter(transport, IDENTITY, "grpc://farm", lambda _: None, sequence=itertools.count(1))
    reporter.start()
    transport.called.wait(5)
    started = time.monotonic()
    reporter.stop(timeout=1.0)
    assert time.monotonic() - started < 1.5
    hang.set()


def test_stop_cuts_a_call_the_server_never_answers_so_no_thread_is_left_inside_the_transport():
    # At exit Python finalizes right after stop(): a thread still inside grpcio's core then can crash Blender.
    hang, lines = threading.Event(), []
    transport = FakeTransport(RpcError(StatusCode.CANCELLED, "channel closed"), hang=hang)
    reporter = Reporter(transport, IDENTITY, "grpc://farm", lines.append, sequence=itertools.count(1))
    reporter.start()
    transport.called.wait(5)
    reporter.stop(timeout=0.2)
    assert transport.aborted
    assert not reporter._thread.is_alive()
    assert lines == []  # a call stop() cut short is not a problem to tell the console


def test_stop_leaves_a_call_that_returns_in_time_alone():
    transport = FakeTransport()
    reporter = Reporter(transport, IDENTITY, "grpc://farm", lambda _: None, sequence=itertools.count(1))
    reporter.start()
    wait_until(lambda: len(transport.calls) == 1)
    reporter.stop()
    assert not transport.aborted and not reporter._thread.is_alive()


def test_no_sign_off_when_the_server_was_never_reached():
    transport = FakeTransport(unavailable())
    reporter = Reporter(transport, IDENTITY, "grpc://farm", lambda _: None, sequence=itertools.count(1))
    reporter.start()
    transport.called.wait(5)
    reporter.stop()
    assert [method for method, _, _ in transport.calls] == [REPORT]


NOT_APPLIED_5S = b"\x10\x88\x27"  # applied false (absent), heartbeat_interval_ms 5000


def test_a_report_the_server_ignores_is_said_once_and_retried_at_the_heartbeat_not_counted_as_reaching_it(clock):
    transport, lines = FakeTransport(NOT_APPLIED_5S, NOT_APPLIED_5S, REPLY_5S), []
    reporter = make(transport, clock, lines)
    reporter._report(RenderSnapshot())
    clock.advance(5)
    reporter._report(RenderSnapshot())
    assert len(lines) == 1 and "keeps another Blender's reports for 'node-1/0'" in lines[0]
    assert "RENDERFARM_INSTANCE" in lines[0]
    assert reporter.stuck and not reporter.reached_server
    assert reporter._next_attempt == clock() + 5  # the heartbeat, not a backoff
    clock.advance(5)
    reporter._report(RenderSnapshot())
    assert not reporter.stuck and reporter.reached_server
    assert lines[1].startswith("RenderFarm: reporting to grpc://farm:50051 again")


def test_an_unreachable_server_is_not_stuck_but_a_refused_token_is(clock):
    reporter = make(FakeTransport(unavailable()), clock, [])
    reporter._report(RenderSnapshot())
    assert not reporter.stuck and not reporter.reached_server
    refused = make(FakeTransport(RpcError(StatusCode.UNAUTHENTICATED, "no")), clock, [])
    refused._report(RenderSnapshot())
    assert refused.stuck
