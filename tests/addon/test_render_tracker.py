import pytest

from renderfarm_reporter.core.render_tracker import RenderSnapshot, RenderTracker


@pytest.fixture
def tracker(clock):
    return RenderTracker(clock)


def render_frames(tracker, clock, frames, seconds=2.0):
    for frame in frames:
        tracker.frame_started(frame)
        clock.advance(seconds)
        tracker.frame_finished(frame)


def test_rendering_from_init_until_complete_with_frames_and_seconds(tracker, clock):
    state = tracker.render_init("Shot", "shot.blend", "CYCLES", 1, 1, 3)
    assert state.rendering and (state.job_frame_start, state.job_frame_end) == (1, 3)
    render_frames(tracker, clock, [1, 2, 3], seconds=2.5)
    state = tracker.render_ended(1)
    assert state == RenderSnapshot(rendering=False, scene="Shot", blend_file="shot.blend", engine="CYCLES",
                                   current_frame=1, job_frame_start=1, job_frame_end=3, frames_rendered=3,
                                   render_seconds=7.5, last_frame_seconds=2.5)


def test_counters_add_up_over_jobs_of_one_process(tracker, clock):
    tracker.render_init("A", "a.blend", "CYCLES", 1, 1, 2)
    render_frames(tracker, clock, [1, 2], seconds=1.0)
    tracker.render_ended(1)
    tracker.render_init("B", "b.blend", "BLENDER_EEVEE", 5, 5, 5)
    render_frames(tracker, clock, [5], seconds=4.0)
    state = tracker.render_ended(5)
    assert (state.frames_rendered, state.render_seconds, state.last_frame_seconds) == (3, 6.0, 4.0)
    assert (state.scene, state.job_frame_start, state.job_frame_end) == ("B", 5, 5)


def test_a_cancelled_frame_counts_its_time_but_not_as_a_frame(tracker, clock):
    tracker.render_init("A", "", "CYCLES", 1, 1, 10)
    tracker.frame_started(1)
    clock.advance(3.0)
    state = tracker.render_ended(1)
    assert (state.rendering, state.frames_rendered, state.render_seconds) == (False, 0, 3.0)
    assert state.last_frame_seconds is None


def test_a_loaded_file_is_shown_while_idle_but_does_not_end_a_render(tracker):
    assert tracker.scene_loaded("Scene", "new.blend", "CYCLES", 4).blend_file == "new.blend"
    tracker.render_init("Scene", "new.blend", "CYCLES", 4, 1, 9)
    assert tracker.scene_loaded("Other", "other.blend", "CYCLES", 1).scene == "Scene"


def test_nothing_is_known_before_the_first_render(tracker):
    state = tracker.snapshot()
    assert not state.rendering and state.job_frame_start is None and state.last_frame_seconds is None


def test_eevee_is_one_engine_name_across_blender_versions():
    tracker = RenderTracker(clock=lambda: 0.0)
    assert tracker.scene_loaded("Scene", "a.blend", "BLENDER_EEVEE_NEXT", 1).engine == "BLENDER_EEVEE"  # 4.2 to 4.5
    assert tracker.render_init("Scene", "a.blend", "BLENDER_EEVEE_NEXT", 1, 1, 2).engine == "BLENDER_EEVEE"
    assert tracker.render_init("Scene", "a.blend", "BLENDER_EEVEE", 1, 1, 2).engine == "BLENDER_EEVEE"  # 3.x, 5.x
    assert tracker.render_init("Scene", "a.blend", "CYCLES", 1, 1, 2).engine == "CYCLES"
