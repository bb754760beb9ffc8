"""Builds a tiny Cycles animation in the factory-startup scene and prints when each render event
happens, so tests can time what the add-on reports against what Blender did.

Environment: RENDERFARM_TEST_OUTPUT (folder for frames), RENDERFARM_TEST_FRAMES, RENDERFARM_TEST_SAMPLES.
"""

import os
import time

import bpy
from bpy.app.handlers import persistent

scene = bpy.context.scene
scene.render.engine = "CYCLES"
scene.cycles.device = "CPU"
scene.cycles.samples = int(os.environ.get("RENDERFARM_TEST_SAMPLES", "128"))
scene.cycles.use_adaptive_sampling = False
# Debian's Blender is built without OpenImageDenoise.
scene.cycles.use_denoising = False
for view_layer in scene.view_layers:
    view_layer.cycles.denoising_store_passes = False
scene.render.resolution_x = 160
scene.render.resolution_y = 120
scene.render.resolution_percentage = 100
scene.frame_start = 1
scene.frame_end = int(os.environ.get("RENDERFARM_TEST_FRAMES", "3"))
scene.render.image_settings.file_format = "PNG"
scene.render.filepath = os.path.join(os.environ["RENDERFARM_TEST_OUTPUT"], "frame_")


def announce(event):
    @persistent
    def handler(*_args):
        print(f"renderfarm-test: {event} {time.time():.3f}", flush=True)
    return handler


for name in ("render_init", "render_complete", "render_cancel"):
    getattr(bpy.app.handlers, name).append(announce(name))


# RENDERFARM_TEST_HANG_FRAME and RENDERFARM_TEST_HANG_SECONDS: Blender's main thread blocks in a handler as that frame
# starts, as in a hung GPU driver or a deadlock, then goes on (a hung frame that comes back).
if os.environ.get("RENDERFARM_TEST_HANG_FRAME"):
    hang_frame = int(os.environ["RENDERFARM_TEST_HANG_FRAME"])
    hang_seconds = float(os.environ.get("RENDERFARM_TEST_HANG_SECONDS", "10"))

    @persistent
    def hang(scene, *_args):
        if scene.frame_current == hang_frame:
            print(f"renderfarm-test: hang {time.time():.3f}", flush=True)
            time.sleep(hang_seconds)
            print(f"renderfarm-test: unhang {time.time():.3f}", flush=True)

    bpy.app.handlers.render_pre.append(hang)
