"""The add-on's core: everything that does not need Blender.

Plain Python standard library, 3.10 and later (grpcio is used when it imports), so it runs and
is tested outside Blender. Only the package above this one imports ``bpy``.
"""
