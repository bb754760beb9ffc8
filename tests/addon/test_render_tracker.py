from types import SimpleNamespace

import pytest

from renderfarm_reporter.core.render_tracker import RenderSnapshot, RenderTracker, SceneInfo


@pytest.fixture
def tracker(clock):
    return RenderTracker(clock)


def render_frames(tracker, clock, frames, seconds=2.0):
    for frame in frames:
        tracker.frame_started(frame)
        clock.advance(seconds)
        tracker.frame_finished(frame)


def test_rendering_from_init_until_complete_with_frames_and_seconds(tracker, clock):
    state = tracker.render_init(SceneInfo("Shot", "shot.blend", "CYCLES"), 1, 1, 3)
    assert state.rendering and (state.job_frame_start, state.job_frame_end) == (1, 3)
    render_frames(tracker, clock, [1, 2, 3], seconds=2.5)
    state = tracker.render_ended(1)
    assert state == RenderSnapshot(rendering=False, scene_info=SceneInfo("Shot", "shot.blend", "CYCLES"),
                                   current_frame=1, job_frame_start=1, job_frame_end=3, frames_rendered=3,
                                   render_seconds=7.5, last_frame_seconds=2.5)


def test_counters_add_up_over_jobs_of_one_process(tracker, clock):
    tracker.render_init(SceneInfo("A", "a.blend", "CYCLES"), 1, 1, 2)
    render_frames(tracker, clock, [1, 2], seconds=1.0)
    tracker.render_ended(1)
    tracker.render_init(SceneInfo("B", "b.blend", "BLENDER_EEVEE"), 5, 5, 5)
    render_frames(tracker, clock, [5], seconds=4.0)
    state = tracker.render_ended(5)
    assert (state.frames_rendered, state.render_seconds, state.last_frame_seconds) == (3, 6.0, 4.0)
    assert (state.scene_info.scene, state.job_frame_start, state.job_frame_end) == ("B", 5, 5)


def test_a_cancelled_frame_counts_its_time_but_not_as_a_frame(tracker, clock):
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, 1, 10)
    tracker.frame_started(1)
    clock.advance(3.0)
    state = tracker.render_ended(1)
    assert (state.rendering, state.frames_rendered, state.render_seconds) == (False, 0, 3.0)
    assert state.last_frame_seconds is None


def test_a_loaded_file_is_shown_while_idle_but_does_not_end_a_render(tracker):
    loaded = SceneInfo("Scene", "new.blend", "CYCLES")
    assert tracker.scene_loaded(loaded, 4).scene_info == loaded
    tracker.render_init(loaded, 4, 1, 9)
    assert tracker.scene_loaded(SceneInfo("Other", "other.blend", "CYCLES"), 1).scene_info == loaded


def test_nothing_is_known_before_the_first_render(tracker):
    state = tracker.snapshot()
    assert not state.rendering and state.job_frame_start is None and state.last_frame_seconds is None


def blender_scene(engine, name="Scene"):
    """The attributes of a Blender scene that SceneInfo reads."""
    return SimpleNamespace(name=name, render=SimpleNamespace(engine=engine))


def test_scene_info_reads_the_scene_name_the_whole_file_path_and_the_engine():
    info = SceneInfo.of_blender(blender_scene("CYCLES", "Shot"), SimpleNamespace(filepath="/shots/010/lighting.blend"))
    assert info == SceneInfo(scene="Shot", blend_file="/shots/010/lighting.blend", engine="CYCLES")


@pytest.mark.parametrize("engine, reported", [
    ("BLENDER_EEVEE_NEXT", "BLENDER_EEVEE"),  # 4.2 to 4.5
    ("BLENDER_EEVEE", "BLENDER_EEVEE"),  # 3.x, 5.x
    ("CYCLES", "CYCLES"),
])
def test_eevee_is_one_engine_name_across_blender_versions(engine, reported):
    assert SceneInfo.of_blender(blender_scene(engine), SimpleNamespace(filepath="a.blend")).engine == reported
