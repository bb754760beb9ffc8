"""RenderFarm reporter: tells a RenderFarm server whether this Blender is rendering.

Works as a legacy add-on (bl_info) on Blender 3.x and 4.x and as a 4.2+ extension
(blender_manifest.toml); imports are relative for that reason.
"""

bl_info = {
    "name": "RenderFarm Reporter",
    "author": "RenderFarm",
    "version": (1, 0, 0),  # the add-on's version; blender_manifest.toml repeats it (a test checks)
    "blender": (3, 0, 0),
    "location": "Preferences > Add-ons > RenderFarm Reporter",
    "description": "Reports render state to a RenderFarm server for Prometheus and Grafana",
    "category": "Render",
}

from . import handlers, preferences, reporter_lifecycle  # noqa: E402 (bl_info comes first by convention)

# Preferences first (the reporter is built from them), handlers last (they feed the reporter).
_modules = (preferences, reporter_lifecycle, handlers)


def register():
    for module in _modules:
        module.register()


def unregister():
    for module in reversed(_modules):
        module.unregister()
