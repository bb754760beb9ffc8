"""The reporter thread: owns all network I/O, so Blender's main thread never waits on the server.

Reports are level-triggered: each carries the whole state, so only the latest state is kept,
not a queue of them. A change is sent at once; otherwise a heartbeat goes out at the
interval the server asks for. While the server cannot be reached, attempts back off
exponentially with jitter (at most backoff.MAX_DELAY apart) and the console gets one line when the
trouble starts and one when it ends.
"""

import threading
import time
from dataclasses import asdict, dataclass

from . import diagnosis, process_stats
from .backoff import MAX_DELAY, Backoff
from .identity import SEQUENCE
from .messages import (
    RENDER_STATE_IDLE,
    RENDER_STATE_RENDERING,
    ReportReply,
    ReportRequest,
    SignOffRequest,
    finite_seconds,
)
from .render_tracker import RenderSnapshot
from .status import RpcError, StatusCode
from .wire import DecodeError

REPORT = "/renderfarm.v1.Reporter/Report"
SIGN_OFF = "/renderfarm.v1.Reporter/SignOff"

CALL_TIMEOUT = 5.0
SIGN_OFF_TIMEOUT = 1.0
# After the sign-off's time, how long a call cut short by stop() may take to return.
ABORT_WAIT = 0.5
DEFAULT_HEARTBEAT = 5.0
# Bounds on what a (misconfigured) server may ask for.
MIN_HEARTBEAT = 0.1
MAX_HEARTBEAT = 300.0

# Blender shows progress inside a frame only now and then: in a background render Cycles calls render_stats at a
# frame's first sample and last, with nothing between (measured on 3.4 and 5.2: no call for the 16 s middle of a
# 32 s frame). Between those, the process's CPU time stands in: a frame that keeps rendering keeps it rising, a hung
# driver or a deadlock does not. Busy is at least this share of one core since the last report; the add-on's own
# thread uses well under a thousandth.
BUSY_SHARE = 0.05

# How the console says the pace of retries (a refused setting is retried at the slowest).
RETRY_SLOWEST = f"Trying again every {MAX_DELAY:g} s."
RETRY_WITH_BACKOFF = f"retrying with backoff (at most {MAX_DELAY:g} s apart)."


@dataclass(frozen=True)
class Identity:
    """Who reports, under the report's field names (passed on by name, as RenderSnapshot.scene_info is)."""
    host: str
    instance: str
    session_id: str
    blender_version: str
    addon_version: str
    job: str = ""  # constant for the process, like the others: the render manager's job (core/job.py)


class Reporter:
    def __init__(self, transport, identity, endpoint_text, log, clock=time.monotonic, backoff=None, sequence=SEQUENCE,
                 cpu_seconds=process_stats.cpu_seconds, resident_memory=process_stats.resident_memory_bytes,
                 gate=None):
        self._transport = transport
        self._identity = identity
        self._endpoint = endpoint_text
        self._log = log
        self._clock = clock
        self._backoff = backoff or Backoff()
        self._sequence = sequence
        self._cpu_seconds = cpu_seconds
        self._resident_memory = resident_memory
        # Asked before the first report (see network_policy): None to go ahead, else why not.
        # It may resolve a name, so it runs here on the reporter thread; OSError means "try again".
        self._gate = gate

        self._wake = threading.Condition()
        self._latest_state = RenderSnapshot()
        self._changed = True
        self._stopping = False
        self._stop_deadline = None
        self._thread = None

        # Touched by the reporter thread only.
        self._cpu_sample = None  # (clock, process CPU seconds) at the last report
        self._busy_at = None  # when the process was last seen busy (see BUSY_SHARE)
        self._predecessor = None
        self._next_attempt = 0.0
        self._trouble = None  # what kind of failure is going on, None while reports get through
        self._trouble_since = 0.0
        self._reached_server = False
        self.refused = None  # why the gate said no, once it has

    @property
    def identity(self):
        return self._identity

    @property
    def reached_server(self):
        """True once the server has accepted a report (read from any thread: a plain flag)."""
        return self._reached_server

    @property
    def stuck(self):
        """True when retrying alone will not help until a setting changes: the network check refused the
        server, or the server refused us (token, report, certificate, another Blender's session). An
        unreachable server is not stuck: it may come back."""
        return self.refused is not None or self._trouble not in (None, "unreachable")

    def start(self, after=None):
        """Starts the thread; with ``after`` (a stopped Reporter) it first lets that one sign off."""
        self._predecessor = after
        self._thread = threading.Thread(target=self._run, name="renderfarm-reporter", daemon=True)
        self._thread.start()

    def publish(self, snapshot, urgent=True):
        """Hands the latest state to the thread; safe from any thread and never blocks on I/O. A state that is not
        ``urgent`` (progress inside a frame, which Blender shows dozens of times a frame) waits for the next report."""
        with self._wake:
            if snapshot == self._latest_state:
                return
            self._latest_state = snapshot
            if urgent:
                self._changed = True
                self._wake.notify()

    def stop(self, timeout=SIGN_OFF_TIMEOUT, wait=True):
        """Stops reporting and signs off within about ``timeout`` seconds whatever the server does;
        waits for that unless ``wait`` is False."""
        with self._wake:
            if self._stopping:
                return
            self._stopping = True
            self._stop_deadline = self._clock() + timeout
            self._wake.notify()
        if wait:
            self.join(timeout + 0.1)
            if self._thread is not None and self._thread.is_alive():
                # Still inside a call (a server that accepts and never answers, a connection under way): cut it
                # short, so that no thread of ours is inside the network library when Python finalizes at exit.
                self._transport.abort()
                self.join(ABORT_WAIT)

    def join(self, timeout):
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self):
        if self._predecessor is not None:
            # Its sign-off must not land after our first report and remove it.
            self._predecessor.join(SIGN_OFF_TIMEOUT + 0.1)
            self._predecessor = None
        while True:
            with self._wake:
                while not self._stopping and not self._due():
                    self._wake.wait(max(0.0, self._next_attempt - self._clock()))
                if self._stopping:
                    break
                snapshot = self._latest_state
                self._changed = False
            if not self._gate_open():
                if self.refused is not None:
                    break
                continue
            self._report(snapshot)
        self._last_report()
        self._sign_off()
        self._transport.close()

    def _gate_open(self):
        if self._gate is None:
            return True
        try:
            reason = self._gate()
        except (OSError, ValueError) as error:  # ValueError: a name the resolver cannot even encode (IDNA)
            reason = error.strerror or error
            self._failed(RpcError(StatusCode.UNAVAILABLE, f"cannot resolve the server's name: {reason}"))
            return False
        if reason is not None:
            self.refused = reason
            self._log(f"RenderFarm: Not reporting: {reason}. Blender is not affected.")
            return False
        self._gate = None
        return True

    def _due(self):
        # During trouble a change waits for the next attempt, so a busy render cannot hammer a sick server.
        return (self._changed and self._trouble is None) or self._clock() >= self._next_attempt

    def _report(self, snapshot, timeout=None):
        request = self._request(snapshot)
        try:
            reply = ReportReply.decode(self._transport.call(REPORT, request.encode(), timeout or CALL_TIMEOUT))
        except DecodeError as error:
            self._failed(RpcError(StatusCode.INTERNAL, f"undecodable reply: {error}"))
            return
        except RpcError as error:
            self._failed(error)
            return
        now = self._clock()
        heartbeat = reply.heartbeat_interval_ms / 1000 if reply.heartbeat_interval_ms else DEFAULT_HEARTBEAT
        self._next_attempt = now + min(MAX_HEARTBEAT, max(MIN_HEARTBEAT, heartbeat))
        self._backoff.reset()
        if not reply.applied:
            # The server holds a newer session for this host and instance: another Blender with the same
            # RENDERFARM_INSTANCE, or someone reporting in its name. Ours are ignored until that one goes.
            if self._trouble != "stale":
                identity = self._identity
                self._log(f"RenderFarm: the server at {self._endpoint} keeps another Blender's reports for "
                          f"'{identity.host}/{identity.instance}' and ignores ours; give each Blender its own "
                          "RENDERFARM_INSTANCE (or leave it empty for a free slot). Trying again at every heartbeat.")
                if self._trouble is None:
                    self._trouble_since = now
            self._trouble = "stale"
            return
        if self._trouble is not None:
            self._log(f"RenderFarm: reporting to {self._endpoint} again "
                      f"(after {now - self._trouble_since:.0f} s)")
        self._trouble = None
        self._reached_server = True

    def _failed(self, error):
        if self._stopping:
            return  # A call that stop() cut short, or failed during the sign-off's second: nothing to tell.
        now = self._clock()
        if error.needs_attention:
            kind = "certificate" if error.untrusted_certificate else error.code
        else:
            kind = "unreachable"
        if kind != self._trouble:
            self._log(self._describe(error))
            if self._trouble is None:
                self._trouble_since = now
        self._trouble = kind
        # A refused token or report stays refused until someone changes a setting: slowest pace.
        delay = self._backoff.maximum if error.needs_attention else self._backoff.next_delay()
        self._next_attempt = now + delay

    def _describe(self, error):
        code = error.code
        if error.untrusted_certificate:
            return (f"RenderFarm: the server at {self._endpoint} presented a TLS certificate this Blender does not "
                    f"trust ({error.message}); set RENDERFARM_CA or the add-on's CA File preference to the CA "
                    f"that signed it. {RETRY_SLOWEST}")
        mistake = diagnosis.explain(error, getattr(self._transport, "endpoint", None),
                                    getattr(self._transport, "has_token", False), reached_before=self._reached_server)
        if mistake is not None:
            retry = RETRY_SLOWEST if error.needs_attention else f"Rendering goes on; {RETRY_WITH_BACKOFF}"
            return f"RenderFarm: {mistake} {retry}"
        if code == StatusCode.UNAUTHENTICATED:
            return (f"RenderFarm: the server at {self._endpoint} refused the token ({error}); "
                    f"set RENDERFARM_TOKEN or the add-on's Token preference. {RETRY_SLOWEST}")
        if code == StatusCode.PERMISSION_DENIED:
            return f"RenderFarm: the server at {self._endpoint} does not allow this reporter ({error}). {RETRY_SLOWEST}"
        if error.needs_attention:
            return (f"RenderFarm: the server at {self._endpoint} refused the report ({error}); "
                    f"check RENDERFARM_SERVER, RENDERFARM_HOST and RENDERFARM_INSTANCE. {RETRY_SLOWEST}")
        if code == StatusCode.RESOURCE_EXHAUSTED:
            return (f"RenderFarm: the server at {self._endpoint} is at its limit ({error}); "
                    f"rendering goes on, {RETRY_WITH_BACKOFF}")
        return (f"RenderFarm: cannot reach the server at {self._endpoint} ({error}); "
                f"rendering goes on, {RETRY_WITH_BACKOFF}")

    def _last_report(self):
        """A change not yet sent when stop() came (a render that just ended or failed at exit) goes out before the
        sign-off, within the first half of the sign-off's time: the farm's render counts must not miss it."""
        with self._wake:
            changed, snapshot = self._changed, self._latest_state
        if not changed or not self._reached_server or self._stop_deadline is None:
            return  # nothing new, nobody to tell, or not stopping (the network check refused the server)
        remaining = self._stop_deadline - self._clock()
        if remaining > 0:
            self._report(snapshot, timeout=remaining / 2)

    def _sign_off(self):
        if not self._reached_server:
            return
        remaining = self._stop_deadline - self._clock()
        if remaining <= 0:
            return
        identity = self._identity
        request = SignOffRequest(identity.host, identity.instance, identity.session_id)
        try:
            self._transport.call(SIGN_OFF, request.encode(), min(SIGN_OFF_TIMEOUT, remaining))
        except RpcError:
            pass  # The server forgets us after its TTL anyway.

    def _progress_at(self, snapshot, now, cpu):
        """When Blender last showed progress in the frame under way: its last render_stats call, or the last report
        since which the process was busy (see BUSY_SHARE); None between frames."""
        last, self._cpu_sample = self._cpu_sample, (now, cpu)
        if last is not None and now > last[0] and cpu - last[1] >= BUSY_SHARE * (now - last[0]):
            self._busy_at = now
        if snapshot.progress_at is None:
            return None
        return max(snapshot.progress_at, self._busy_at or snapshot.progress_at)

    def _request(self, snapshot):
        now = self._clock()
        cpu = self._cpu_seconds()
        samples = snapshot.frame_samples or (None, None)
        return ReportRequest(
            **asdict(self._identity),
            **asdict(snapshot.scene_info),
            sequence=next(self._sequence),
            state=RENDER_STATE_RENDERING if snapshot.rendering else RENDER_STATE_IDLE,
            current_frame=snapshot.current_frame,
            job_frame_start=snapshot.job_frame_start,
            job_frame_end=snapshot.job_frame_end,
            frames_rendered=snapshot.frames_rendered,
            render_seconds=finite_seconds(snapshot.render_seconds),
            last_frame_seconds=(None if snapshot.last_frame_seconds is None
                                else finite_seconds(snapshot.last_frame_seconds)),
            process_cpu_seconds=finite_seconds(cpu),
            resident_memory_bytes=self._resident_memory(),
            frame_seconds_counts=snapshot.frame_times.counts,
            frame_seconds_sum=finite_seconds(snapshot.frame_times.seconds_sum),
            frame_peak_memory_bytes=snapshot.frame_peak_memory_bytes,
            renders_completed=snapshot.renders_completed,
            renders_cancelled=snapshot.renders_cancelled,
            renders_failed=snapshot.renders_failed,
            render_failure=snapshot.render_failure,
            frame_elapsed_seconds=_age(now, snapshot.frame_started_at),
            progress_age_seconds=_age(now, self._progress_at(snapshot, now, cpu)),
            frame_samples_done=samples[0],
            frame_samples_total=samples[1],
        )


def _age(now, then):
    """Seconds from ``then`` to ``now`` on the monotonic clock, as a report carries them; None without a ``then``."""
    return None if then is None else finite_seconds(max(0.0, now - then))
