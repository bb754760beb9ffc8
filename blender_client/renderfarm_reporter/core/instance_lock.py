"""The default instance name: the lowest instance number no other running Blender on this host holds.

A number is held by an OS lock on a file for the life of the process, so the kernel releases it
even when Blender is killed. Sequential runs get the same number (stable Prometheus series);
concurrent runs get distinct ones. A process id would make a new series for every job.
The user-facing texts (README, preferences, console) call the number a "slot number".
"""

import os
import tempfile

MAX_INSTANCE_NUMBERS = 1024
_PREFIX = "renderfarm-reporter-slot-"  # "slot": the name older add-ons lock too

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt


class NoFreeInstanceNumber(RuntimeError):
    pass


class InstanceLock:
    """The lock on one instance number, held by an open file for the life of the process."""

    def __init__(self, number, handle):
        self.number = number
        self._handle = handle


def lock_free_instance_number(directory=None, limit=MAX_INSTANCE_NUMBERS):
    """Locks and returns the lowest free instance number; the lock lasts until the process exits."""
    directory = directory or tempfile.gettempdir()
    for number in range(limit):
        handle = _lock(os.path.join(directory, f"{_PREFIX}{number}.lock"))
        if handle is not None:
            return InstanceLock(number, handle)
    raise NoFreeInstanceNumber(f"all {limit} instance slots in {directory} are taken; set RENDERFARM_INSTANCE")


def _lock(path):
    handle = _open(path)
    if handle is None:
        return None
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        return handle
    except OSError:
        os.close(handle)
        return None


def _open(path):
    # Another user's lock file may exist in a shared temporary directory: opening it read-only
    # without O_CREAT works where a protected sticky directory refuses O_CREAT, and flock needs
    # no write access, so numbers stay distinct across users too.
    for flags in (os.O_RDONLY, os.O_RDWR | os.O_CREAT):
        try:
            return os.open(path, flags, 0o666)
        except FileNotFoundError:
            continue
        except OSError:
            return None
    return None
