import subprocess
import sys
import textwrap

import pytest

from renderfarm_reporter.core.instance_slot import SlotError, acquire_slot

from conftest import REPOSITORY

# A separate Python process holds a slot until its stdin closes.
HOLDER = textwrap.dedent("""
    import sys, types
    package = types.ModuleType("renderfarm_reporter")
    package.__path__ = [sys.argv[1] + "/blender_client/renderfarm_reporter"]
    sys.modules["renderfarm_reporter"] = package
    from renderfarm_reporter.core.instance_slot import acquire_slot
    slot = acquire_slot(sys.argv[2])
    print(slot.number, flush=True)
    sys.stdin.read()
""")


def hold_slot(directory):
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(REPOSITORY), str(directory)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return process, int(process.stdout.readline())


def release(process):
    process.stdin.close()
    process.wait(timeout=10)


def test_concurrent_processes_get_distinct_slots_lowest_first(tmp_path):
    first, first_slot = hold_slot(tmp_path)
    second, second_slot = hold_slot(tmp_path)
    try:
        assert (first_slot, second_slot) == (0, 1)
    finally:
        release(first)
        release(second)


def test_sequential_processes_get_the_same_slot(tmp_path):
    slots = []
    for _ in range(3):
        process, slot = hold_slot(tmp_path)
        release(process)
        slots.append(slot)
    assert slots == [0, 0, 0]


def test_a_killed_holder_frees_its_slot(tmp_path):
    process, slot = hold_slot(tmp_path)
    process.kill()
    process.wait(timeout=10)
    assert acquire_slot(tmp_path).number == slot == 0


def test_a_freed_low_slot_is_taken_again_before_higher_ones(tmp_path):
    first, _ = hold_slot(tmp_path)
    second, _ = hold_slot(tmp_path)
    try:
        release(first)
        assert acquire_slot(tmp_path).number == 0
    finally:
        release(second)


def test_lock_files_left_by_earlier_runs_do_not_hold_a_slot(tmp_path):
    (tmp_path / "renderfarm-reporter-slot-0.lock").write_text("")
    assert acquire_slot(tmp_path).number == 0


def test_no_free_slot_is_a_clear_error(tmp_path):
    held = acquire_slot(tmp_path, max_slots=1)
    try:
        with pytest.raises(SlotError, match="set RENDERFARM_INSTANCE"):
            acquire_slot(tmp_path, max_slots=1)
    finally:
        held.release()
