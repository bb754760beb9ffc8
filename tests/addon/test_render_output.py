"""The file-system judgement that tells a failed render (Blender could not save its frame) from a cancelled one, on
real folders of this machine: missing, read-only (a read-only file system: permission bits do not stop root), full."""

import pytest

from renderfarm_reporter.core.render_output import unwritten

pytestmark = pytest.mark.integration  # it reads the real file system, /proc and /sys included


def test_a_saved_frame_and_a_folder_that_could_take_it_are_no_failure(tmp_path):
    saved = tmp_path / "f0001.png"
    saved.write_bytes(b"png")
    assert unwritten(str(saved)) is None
    assert unwritten(str(tmp_path / "f0002.png")) is None  # cancelled before Blender saved it


def test_a_folder_blender_could_not_make_is_named(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")
    path = str(blocker / "f0001.png")
    assert unwritten(path) == f"output not written: {path} (its folder does not exist and could not be made)"


def test_a_read_only_folder_is_named():
    # /proc/self takes no new files, and says so to root as well: Blender fails there as on a read-only mount.
    path = "/proc/self/f0001.png"
    assert unwritten(path) == f"output not written: {path} (its folder is not writable)"
