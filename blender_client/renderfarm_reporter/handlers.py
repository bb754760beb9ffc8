"""Render handlers: read a few values from Blender and hand them, as plain data, to the reporter.

They fire in the UI and in background mode (``blender -b -a``), where timers and
``bpy.app.is_job_running`` do not. ``@persistent`` keeps them across file loads.
"""

import functools
import sys

import bpy
from bpy.app.handlers import persistent

from . import reporter_lifecycle
from .core.job_frame_range import job_frame_range, saves_frames
from .core.render_tracker import SceneInfo

tracker = reporter_lifecycle.tracker
_failed_once = False
# Read once: the command line does not change. It names the jobs of a background Blender only: in the UI,
# renders are started by hand (F12, Ctrl+F12) whatever the command line said, and -a plays an animation.
_COMMAND_LINE = tuple(sys.argv) if bpy.app.background else ()
# -a and -f save every frame they render; a render started by hand or by a script may save nothing.
_SAVES_FRAMES = saves_frames(_COMMAND_LINE)


def _guarded(handler=None, *, urgent=True):
    """A reporting bug must never disturb a render: say it once and carry on. ``urgent``: as Reporter.publish."""
    if handler is None:
        return lambda handler: _guarded(handler, urgent=urgent)

    @functools.wraps(handler)
    def guarded(scene, *_args):
        global _failed_once
        try:
            reporter_lifecycle.publish(handler(scene), urgent=urgent)
        except Exception as error:  # noqa: BLE001 (anything, rather than break the render)
            if not _failed_once:
                _failed_once = True
                reporter_lifecycle.log(f"RenderFarm: a render handler failed ({type(error).__name__}: {error}); "
                                       "the render goes on")
    return persistent(guarded)


@_guarded
def on_load_post(_file):
    scene = bpy.context.scene
    return tracker.scene_loaded(_scene_info(scene), scene.frame_current)


@_guarded
def on_render_init(scene):
    return tracker.render_init(_scene_info(scene), scene.frame_current,
                               job_frame_range(_COMMAND_LINE, scene.frame_start, scene.frame_end))


@_guarded
def on_render_pre(scene):
    return tracker.frame_started(scene.frame_current, _output_path(scene) if _SAVES_FRAMES else None)


@_guarded
def on_render_post(scene):
    return tracker.frame_finished(scene.frame_current)


@_guarded
def on_render_write(scene):
    return tracker.snapshot()


@_guarded(urgent=False)
def on_render_stats(stats):
    """Dozens of calls a frame while Blender renders: Cycles' stats text on 4.x and 5.x, nothing on 3.x. Kept cheap,
    and never a report of its own: the progress goes out with the next heartbeat or change."""
    return tracker.progress(stats)


@_guarded
def on_render_complete(scene):
    return tracker.render_ended(scene.frame_current)


@_guarded
def on_render_cancel(scene):
    return tracker.render_ended(scene.frame_current, cancelled=True)


def _output_path(scene):
    """Where Blender saves this frame (render.filepath with its #### and extension applied); None when it cannot say."""
    try:
        return bpy.path.abspath(scene.render.frame_path(frame=scene.frame_current))
    except (AttributeError, RuntimeError, TypeError, ValueError):
        return None


def _scene_info(scene):
    return SceneInfo.of_blender(scene, bpy.data, bpy.context.preferences)


_HANDLERS = (
    (bpy.app.handlers.load_post, on_load_post),
    (bpy.app.handlers.render_init, on_render_init),
    (bpy.app.handlers.render_pre, on_render_pre),
    (bpy.app.handlers.render_post, on_render_post),
    (bpy.app.handlers.render_write, on_render_write),
    (bpy.app.handlers.render_stats, on_render_stats),
    (bpy.app.handlers.render_complete, on_render_complete),
    (bpy.app.handlers.render_cancel, on_render_cancel),
)


def register():
    for handlers, handler in _HANDLERS:
        if handler not in handlers:
            handlers.append(handler)


def unregister():
    for handlers, handler in _HANDLERS:
        if handler in handlers:
            handlers.remove(handler)
