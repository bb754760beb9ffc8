import sys

import pytest

from renderfarm_reporter.core.job import job_name
from renderfarm_reporter.core.peak_memory import FramePeakMemory


@pytest.mark.parametrize("environ, job", [
    ({}, ""),
    ({"RENDERFARM_JOB": "shot010 lighting"}, "shot010 lighting"),
    ({"RENDERFARM_JOB": "  ", "CUE_JOB": "show-shot-lighting_v3"}, "show-shot-lighting_v3"),
    ({"RENDERFARM_JOB": "ours", "CUE_JOB": "opencue"}, "ours"),
    ({"DEADLINE_JOB_ID": "job-4f1b2c", "DEADLINE_SESSION_ID": "session-1"}, "job-4f1b2c"),
    ({"AF_JOB_ID": "42", "AF_TASK_ID": "7"}, "42"),
    ({"TR_ENV_JID": "1017"}, "1017"),
    ({"FLAMENCO_SOMETHING": "x"}, ""),
])
def test_the_job_is_the_first_render_manager_variable_set(environ, job):
    assert job_name(environ) == job


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the per-frame peak needs Linux's clear_refs")
def test_the_peak_of_a_frame_is_measured_by_the_kernel_and_reset_at_the_next_frame():
    memory = FramePeakMemory()
    memory.frame_started()
    held = bytearray(64 * 2**20)  # touched pages raise the peak by 64 MiB
    held[::4096] = b"\x01" * len(held[::4096])
    del held
    first = memory.frame_finished()
    memory.frame_started()
    second = memory.frame_finished()
    assert first is not None and second is not None
    assert first - second >= 48 * 2**20, (first, second)


def test_without_clear_refs_there_is_no_per_frame_peak_and_no_second_attempt(tmp_path):
    memory = FramePeakMemory(status=tmp_path / "status", clear_refs=tmp_path / "missing" / "clear_refs", enabled=True)
    memory.frame_started()
    assert memory.frame_finished() is None
    (tmp_path / "missing").mkdir()
    memory.frame_started()
    assert not (tmp_path / "missing" / "clear_refs").exists()


def test_the_peak_is_read_from_vmhwm_in_bytes(tmp_path):
    (tmp_path / "status").write_text("Name:\tblender\nVmPeak:\t 900 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 100 kB\n")
    memory = FramePeakMemory(status=tmp_path / "status", clear_refs=tmp_path / "clear_refs", enabled=True)
    assert memory.frame_finished() is None  # never reset: no frame's own peak
    memory.frame_started()
    assert (tmp_path / "clear_refs").read_text() == "5"
    assert memory.frame_finished() == 123456 * 1024
