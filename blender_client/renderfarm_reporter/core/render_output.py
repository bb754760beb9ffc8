"""Whether Blender could have saved a frame it was to save: how a failed render is told from a cancelled one.

Blender ends a render whose frame it cannot save (``cannot save: '/farm/out/f0001.png'``) exactly as it ends one
the user cancels: ``render_cancel``, and no ``render_post``, ``render_write`` or ``render_complete`` (3.4.1, 4.3
and 5.2 alike; its exit code is 1 after either). Its message goes to standard output only. What tells them apart is
the file system: a cancelled frame's folder could have taken the file; a frame Blender could not save has no folder
(one it could not make), a folder it may not write to, or a full disk.
"""

import os


def unwritten(path):
    """Why the frame at ``path`` was not and could not be saved; None when it is there or its folder could take it."""
    try:
        if os.path.exists(path):
            return None
        folder = os.path.dirname(path) or "."
        if not os.path.isdir(folder):
            why = "its folder does not exist and could not be made"
        elif not os.access(folder, os.W_OK):
            why = "its folder is not writable"
        elif _full(folder):
            why = "no space left on its file system"
        else:
            return None
    except (OSError, ValueError):
        return None  # Cannot tell: the render is taken at its word (cancelled).
    return f"output not written: {path} ({why})"


def _full(folder):
    stats = os.statvfs(folder)
    # Root may write into the blocks reserved for it; anyone else only into the available ones.
    free = stats.f_bfree if os.geteuid() == 0 else stats.f_bavail
    return free == 0
