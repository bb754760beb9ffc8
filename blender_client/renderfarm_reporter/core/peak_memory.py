"""Peak resident memory of this process during one frame.

Linux keeps the process's peak resident set size (VmHWM in /proc/self/status) and lets a process
reset it to the current size by writing "5" to /proc/self/clear_refs (since Linux 4.0). Reset when
a frame starts, read when it ends: the frame's own peak, whatever Blender version runs, measured by
the kernel, costing the render two tiny file operations per frame and no thread. Elsewhere the peak
cannot be reset (macOS and Windows give only the whole process's peak), so there is none per frame.
"""

import sys


class FramePeakMemory:
    def __init__(self, status="/proc/self/status", clear_refs="/proc/self/clear_refs",
                 enabled=sys.platform.startswith("linux")):
        self._status = status
        self._clear_refs = clear_refs
        self._enabled = enabled
        self._reset = False

    def frame_started(self):
        self._reset = False
        if not self._enabled:
            return
        try:
            with open(self._clear_refs, "w", encoding="ascii") as file:
                file.write("5")
            self._reset = True
        except OSError:
            self._enabled = False  # a kernel or sandbox without it: stop trying

    def frame_finished(self):
        """The peak since frame_started() in bytes, or None when it could not be reset or read."""
        if not self._reset:
            return None
        self._reset = False
        try:
            with open(self._status, encoding="ascii") as file:
                for line in file:
                    if line.startswith("VmHWM:"):
                        value, unit = line.split()[1:3]
                        return int(value) * 1024 if unit == "kB" else None
        except (OSError, ValueError):
            pass
        return None
