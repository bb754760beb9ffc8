"""What the render handlers saw, kept as plain values for the reporter thread.

Handlers call these methods with values they read from Blender; the tracker never keeps a
Blender object. Frames and render seconds are cumulative for this Blender process.
"""

import re
import threading
import time
from dataclasses import dataclass, replace

from .frame_times import FrameTimes
from .peak_memory import FramePeakMemory
from .render_output import unwritten

# Blender 4.2 to 4.5 call EEVEE "BLENDER_EEVEE_NEXT"; 3.x and 5.x call it "BLENDER_EEVEE". It is one
# engine to a farm: reported under one name, so a dashboard's engine filter works across versions.
ENGINE_NAMES = {"BLENDER_EEVEE_NEXT": "BLENDER_EEVEE"}


# How Cycles' stats text says how far the frame is (Blender 4.x and 5.x pass that text to render_stats; 3.x passes
# none): "… | Sample 176/256".
_SAMPLES = re.compile(r"\bSample (\d+)/(\d+)")

# A snapshot's fields for the frame under way, once no frame is.
_NO_FRAME = {"frame_started_at": None, "progress_at": None, "frame_samples": None}

# Engines that always render on the GPU; Blender has no device setting for them.
GPU_ENGINES = frozenset({"BLENDER_EEVEE", "BLENDER_WORKBENCH"})


def engine_name(engine):
    return ENGINE_NAMES.get(engine, engine)


def _unknown_when_missing(unknown):
    """A value a Blender version or an add-on lacks reads as unknown: it must never cost the report."""
    def wrap(read):
        def guarded(*args):
            try:
                return read(*args)
            except (AttributeError, KeyError, TypeError, ValueError):
                return unknown
        return guarded
    return wrap


@_unknown_when_missing("")
def render_device(scene, preferences):
    """The device as Blender's settings name it, never guessed: for Cycles the scene's CPU/GPU choice and,
    for GPU, the compute device type of Cycles' preferences (CUDA, OPTIX, HIP, ONEAPI, METAL); a GPU
    choice with no compute device (NONE) renders on the CPU, and says so. Empty when unknown."""
    engine = engine_name(scene.render.engine)
    if engine in GPU_ENGINES:
        return "GPU"
    if engine != "CYCLES":
        return ""
    if getattr(scene.cycles, "device", "CPU") != "GPU":
        return "CPU"
    cycles = preferences.addons.get("cycles") if preferences is not None else None
    compute = getattr(getattr(cycles, "preferences", None), "compute_device_type", "NONE")
    return "CPU" if compute in ("NONE", "", None) else str(compute)


@_unknown_when_missing(None)
def render_samples(scene):
    """Samples per pixel of a final render: Cycles' and EEVEE's own settings; None for other engines."""
    engine = engine_name(scene.render.engine)
    if engine == "CYCLES":
        return int(scene.cycles.samples)
    if engine == "BLENDER_EEVEE":
        return int(scene.eevee.taa_render_samples)
    return None


@dataclass(frozen=True)
class SceneInfo:
    """What a report says about the open scene. Its fields are named as the report's fields, and the
    reporter passes them on by name: a new value read from the scene is a field here and a line in
    of_blender(), and a row in messages.REPORT_FIELDS."""
    scene: str = ""
    blend_file: str = ""
    engine: str = ""
    device: str = ""
    samples: int | None = None

    @classmethod
    def of_blender(cls, scene, data, preferences=None):
        """Read from a Blender scene, ``bpy.data`` and ``bpy.context.preferences`` (or any objects with the
        same attributes)."""
        return cls(
            scene=scene.name,
            # The whole path: shot010/lighting.blend and shot020/lighting.blend must stay apart.
            blend_file=data.filepath,
            engine=engine_name(scene.render.engine),
            device=render_device(scene, preferences),
            samples=render_samples(scene),
        )


@dataclass(frozen=True)
class RenderSnapshot:
    rendering: bool = False
    scene_info: SceneInfo = SceneInfo()
    current_frame: int = 0
    job_frame_start: int | None = None
    job_frame_end: int | None = None
    frames_rendered: int = 0
    render_seconds: float = 0.0
    last_frame_seconds: float | None = None
    frame_times: FrameTimes = FrameTimes()
    frame_peak_memory_bytes: int | None = None
    renders_completed: int = 0
    renders_cancelled: int = 0
    renders_failed: int = 0
    render_failure: str = ""  # why the last failed render failed, as far as can be told
    # While rendering, on the tracker's monotonic clock: when the frame under way started (None between frames) and
    # when Blender last showed progress (the render's start, a frame's start or end, a render_stats call; None when
    # not rendering: a hang between frames, in a driver evaluated for the next one, shows too); and the frame's samples
    # done and in all where Blender tells them.
    frame_started_at: float | None = None
    progress_at: float | None = None
    frame_samples: tuple[int, int] | None = None


class RenderTracker:
    def __init__(self, clock=time.monotonic, peak_memory=None, unwritten_output=unwritten):
        self._clock = clock
        # Why the frame under way could not be saved, or None (see render_output.py).
        self._unwritten_output = unwritten_output
        self._peak_memory = peak_memory or FramePeakMemory()
        # In the UI, render_pre and render_post run on the render job's thread.
        self._lock = threading.Lock()
        self._snapshot = RenderSnapshot()
        self._frame_output = None  # the file the frame under way is to be saved to, when the render saves frames

    def scene_loaded(self, scene_info, frame):
        with self._lock:
            if not self._snapshot.rendering:
                self._update(scene_info=scene_info, current_frame=frame)
            return self._snapshot

    def render_init(self, scene_info, frame, job_frames):
        """``job_frames``: the job's (first, last) frame, or None when it is not known (the report then has
        no range, rather than the last job's)."""
        job_frame_start, job_frame_end = job_frames or (None, None)
        with self._lock:
            return self._update(rendering=True, scene_info=scene_info, current_frame=frame,
                                job_frame_start=job_frame_start, job_frame_end=job_frame_end,
                                frame_times=self._snapshot.frame_times.started(), frame_started_at=None,
                                progress_at=self._clock())

    def frame_started(self, frame, output_path=None):
        """``output_path``: where Blender is to save this frame, for a render that saves its frames (``-a``, ``-f``)."""
        with self._lock:
            now = self._clock()
            self._frame_output = output_path
            self._peak_memory.frame_started()
            # The start is the frame's first sign of life: a frame hanging before its first sample has shown none since.
            return self._update(rendering=True, current_frame=frame, frame_started_at=now, progress_at=now,
                                frame_samples=None)

    def progress(self, stats_text=None):
        """render_stats: Blender showed progress, with its stats text where it passes one (the frame's samples)."""
        with self._lock:
            snapshot = self._snapshot
            if not snapshot.rendering:
                return snapshot
            samples = snapshot.frame_samples
            if isinstance(stats_text, str) and snapshot.frame_started_at is not None:
                found = _SAMPLES.search(stats_text)
                if found is not None and int(found.group(2)) > 0:
                    samples = (min(int(found.group(1)), int(found.group(2))), int(found.group(2)))
            return self._update(progress_at=self._clock(), frame_samples=samples)

    def frame_finished(self, frame):
        with self._lock:
            seconds = self._frame_seconds()
            if seconds is None:
                return self._update(current_frame=frame)
            snapshot = self._snapshot
            return self._update(current_frame=frame, frames_rendered=snapshot.frames_rendered + 1,
                                render_seconds=snapshot.render_seconds + seconds,
                                last_frame_seconds=seconds, frame_times=snapshot.frame_times.add(seconds),
                                frame_peak_memory_bytes=self._peak_memory.frame_finished(),
                                frame_started_at=None, frame_samples=None, progress_at=self._clock())

    def render_ended(self, frame, cancelled=False):
        """render_complete, or render_cancel when ``cancelled``: a cancelled frame's time still counts as
        render time, not as a frame. A cancel whose frame could not be saved is Blender giving up on the
        render, not the user: a failed render."""
        with self._lock:
            snapshot = self._snapshot
            if not snapshot.rendering:
                # One render, one outcome, should Blender call both end handlers.
                self._frame_output = None
                return snapshot
            failure = self._output_failure() if cancelled else None
            if failure is not None:
                return self._failed(failure, current_frame=frame)
            seconds = self._frame_seconds() or 0.0
            self._frame_output = None
            outcome = ({"renders_cancelled": snapshot.renders_cancelled + 1} if cancelled
                       else {"renders_completed": snapshot.renders_completed + 1})
            return self._update(rendering=False, current_frame=frame,
                                render_seconds=snapshot.render_seconds + seconds, **outcome, **_NO_FRAME)

    def render_failed(self):
        """Blender is exiting in the middle of a render, which will never end (a script's exit, an error that stopped
        it): a failed render, with its frame's unsaved output as the reason where there is one."""
        with self._lock:
            snapshot = self._snapshot
            if not snapshot.rendering:
                return snapshot
            failure = self._output_failure()
            frame = snapshot.current_frame
            return self._failed(failure or f"Blender exited during frame {frame}, before the render ended")

    def _output_failure(self):
        output = self._frame_output
        return self._unwritten_output(output) if output else None

    def _failed(self, reason, **changes):
        seconds = self._frame_seconds() or 0.0
        self._frame_output = None
        snapshot = self._snapshot
        return self._update(rendering=False, render_seconds=snapshot.render_seconds + seconds,
                            renders_failed=snapshot.renders_failed + 1, render_failure=reason, **changes, **_NO_FRAME)

    def snapshot(self):
        with self._lock:
            return self._snapshot

    def _frame_seconds(self):
        """Seconds since the frame under way started, or None between frames; its end clears the start (frame_started_at
        in the update that ends it)."""
        started = self._snapshot.frame_started_at
        return None if started is None else max(0.0, self._clock() - started)

    def _update(self, **changes):
        self._snapshot = replace(self._snapshot, **changes)
        return self._snapshot
