import subprocess
import sys
import textwrap

import pytest

from renderfarm_reporter.core.instance_lock import NoFreeInstanceNumber, lock_free_instance_number

from conftest import REPOSITORY

# A separate Python process holds an instance number until its stdin closes.
HOLDER = textwrap.dedent("""
    import sys, types
    package = types.ModuleType("renderfarm_reporter")
    package.__path__ = [sys.argv[1] + "/blender_client/renderfarm_reporter"]
    sys.modules["renderfarm_reporter"] = package
    from renderfarm_reporter.core.instance_lock import lock_free_instance_number
    print(lock_free_instance_number(sys.argv[2]).number, flush=True)
    sys.stdin.read()
""")


def hold_number(directory):
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(REPOSITORY), str(directory)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return process, int(process.stdout.readline())


def release(process):
    process.stdin.close()
    process.wait(timeout=10)


@pytest.mark.integration
def test_concurrent_processes_get_distinct_numbers_lowest_first(tmp_path):
    first, first_number = hold_number(tmp_path)
    second, second_number = hold_number(tmp_path)
    try:
        assert (first_number, second_number) == (0, 1)
    finally:
        release(first)
        release(second)


@pytest.mark.integration
def test_sequential_processes_get_the_same_number(tmp_path):
    numbers = []
    for _ in range(3):
        process, number = hold_number(tmp_path)
        release(process)
        numbers.append(number)
    assert numbers == [0, 0, 0]


@pytest.mark.integration
def test_a_killed_holder_frees_its_number(tmp_path):
    process, number = hold_number(tmp_path)
    process.kill()
    process.wait(timeout=10)
    assert lock_free_instance_number(tmp_path).number == number == 0


@pytest.mark.integration
def test_a_freed_low_number_is_taken_again_before_higher_ones(tmp_path):
    first, _ = hold_number(tmp_path)
    second, _ = hold_number(tmp_path)
    try:
        release(first)
        assert lock_free_instance_number(tmp_path).number == 0
    finally:
        release(second)


def test_lock_files_left_by_earlier_runs_do_not_hold_a_number(tmp_path):
    (tmp_path / "renderfarm-reporter-slot-0.lock").write_text("")
    assert lock_free_instance_number(tmp_path).number == 0


@pytest.mark.integration
def test_no_free_number_is_a_clear_error(tmp_path):
    holder, _ = hold_number(tmp_path)
    try:
        with pytest.raises(NoFreeInstanceNumber, match="set RENDERFARM_INSTANCE"):
            lock_free_instance_number(tmp_path, limit=1)
    finally:
        release(holder)
