"""CPU time and resident memory of this process; memory is None where it cannot be read reliably."""

import os
import sys
import time


def cpu_seconds():
    return time.process_time()


def resident_memory_bytes():
    try:
        if sys.platform.startswith("linux"):
            return _linux_resident()
        if sys.platform == "win32":
            return _windows_working_set()
    except (OSError, ValueError, AttributeError):
        pass
    # macOS offers only the peak (getrusage), which is not the current size.
    return None


def _linux_resident(statm="/proc/self/statm"):
    with open(statm, encoding="ascii") as file:
        resident_pages = int(file.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


def _windows_working_set():
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [
            ("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
            ("PeakWorkingSetSize", ctypes.c_size_t), ("WorkingSetSize", ctypes.c_size_t),
            ("QuotaPeakPagedPoolUsage", ctypes.c_size_t), ("QuotaPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t), ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
            ("PagefileUsage", ctypes.c_size_t), ("PeakPagefileUsage", ctypes.c_size_t),
        ]

    counters = Counters()
    counters.cb = ctypes.sizeof(Counters)
    process = ctypes.windll.kernel32.GetCurrentProcess()
    if not ctypes.windll.psapi.GetProcessMemoryInfo(process, ctypes.byref(counters), counters.cb):
        return None
    return int(counters.WorkingSetSize)
