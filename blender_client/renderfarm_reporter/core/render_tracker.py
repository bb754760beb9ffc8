"""What the render handlers saw, kept as plain values for the reporter thread.

Handlers call these methods with values they read from Blender; the tracker never keeps a
Blender object. Frames and render seconds are cumulative for this Blender process.
"""

import threading
import time
from dataclasses import dataclass, replace

# Blender 4.2 to 4.5 call EEVEE "BLENDER_EEVEE_NEXT"; 3.x and 5.x call it "BLENDER_EEVEE". It is one
# engine to a farm: reported under one name, so a dashboard's engine filter works across versions.
ENGINE_NAMES = {"BLENDER_EEVEE_NEXT": "BLENDER_EEVEE"}


def engine_name(engine):
    return ENGINE_NAMES.get(engine, engine)


@dataclass(frozen=True)
class SceneInfo:
    """What a report says about the open scene. Its fields are named as the report's fields, and the
    reporter passes them on by name: a new value read from the scene is a field here and a line in
    of_blender(), and a row in messages.REPORT_FIELDS."""
    scene: str = ""
    blend_file: str = ""
    engine: str = ""

    @classmethod
    def of_blender(cls, scene, data):
        """Read from a Blender scene and ``bpy.data`` (or any objects with the same attributes)."""
        return cls(
            scene=scene.name,
            # The whole path: shot010/lighting.blend and shot020/lighting.blend must stay apart.
            blend_file=data.filepath,
            engine=engine_name(scene.render.engine),
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


class RenderTracker:
    def __init__(self, clock=time.monotonic):
        self._clock = clock
        # In the UI, render_pre and render_post run on the render job's thread.
        self._lock = threading.Lock()
        self._snapshot = RenderSnapshot()
        self._frame_started_at = None

    def scene_loaded(self, scene_info, frame):
        with self._lock:
            if not self._snapshot.rendering:
                self._update(scene_info=scene_info, current_frame=frame)
            return self._snapshot

    def render_init(self, scene_info, frame, frame_start, frame_end):
        with self._lock:
            self._frame_started_at = None
            return self._update(rendering=True, scene_info=scene_info, current_frame=frame,
                                job_frame_start=min(frame_start, frame_end), job_frame_end=max(frame_start, frame_end))

    def frame_started(self, frame):
        with self._lock:
            self._frame_started_at = self._clock()
            return self._update(rendering=True, current_frame=frame)

    def frame_finished(self, frame):
        with self._lock:
            seconds = self._take_frame_seconds()
            if seconds is None:
                return self._update(current_frame=frame)
            return self._update(current_frame=frame, frames_rendered=self._snapshot.frames_rendered + 1,
                                render_seconds=self._snapshot.render_seconds + seconds,
                                last_frame_seconds=seconds)

    def render_ended(self, frame):
        """render_complete or render_cancel: a cancelled frame's time still counts as render time."""
        with self._lock:
            seconds = self._take_frame_seconds() or 0.0
            return self._update(rendering=False, current_frame=frame,
                                render_seconds=self._snapshot.render_seconds + seconds)

    def snapshot(self):
        with self._lock:
            return self._snapshot

    def _take_frame_seconds(self):
        if self._frame_started_at is None:
            return None
        seconds = max(0.0, self._clock() - self._frame_started_at)
        self._frame_started_at = None
        return seconds

    def _update(self, **changes):
        self._snapshot = replace(self._snapshot, **changes)
        return self._snapshot
