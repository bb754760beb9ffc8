"""The add-on's core: everything that does not need Blender.

Plain Python 3.11 standard library (grpcio is used when it imports), so it runs and is
tested outside Blender. Only the package above this one imports ``bpy``.
"""

# Kept equal to bl_info["version"] and blender_manifest.toml (a test checks).
VERSION = "1.0.0"
