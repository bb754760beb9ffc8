from types import SimpleNamespace

import pytest

from renderfarm_reporter.core.frame_times import FrameTimes
from renderfarm_reporter.core.render_tracker import RenderSnapshot, RenderTracker, SceneInfo


class FakePeakMemory:
    """Each frame's peak is given in advance; records resets."""

    def __init__(self, *peaks):
        self.peaks = list(peaks)
        self.resets = 0

    def frame_started(self):
        self.resets += 1

    def frame_finished(self):
        return self.peaks.pop(0) if self.peaks else None


@pytest.fixture
def tracker(clock):
    return RenderTracker(clock, peak_memory=FakePeakMemory())


def render_frames(tracker, clock, frames, seconds=2.0):
    for frame in frames:
        tracker.frame_started(frame)
        clock.advance(seconds)
        tracker.frame_finished(frame)


def test_rendering_from_init_until_complete_with_frames_and_seconds(tracker, clock):
    state = tracker.render_init(SceneInfo("Shot", "shot.blend", "CYCLES"), 1, (1, 3))
    assert state.rendering and (state.job_frame_start, state.job_frame_end) == (1, 3)
    render_frames(tracker, clock, [1, 2, 3], seconds=2.5)
    state = tracker.render_ended(1)
    assert state == RenderSnapshot(rendering=False, scene_info=SceneInfo("Shot", "shot.blend", "CYCLES"),
                                   current_frame=1, job_frame_start=1, job_frame_end=3, frames_rendered=3,
                                   render_seconds=7.5, last_frame_seconds=2.5,
                                   frame_times=FrameTimes((0, 0, 3) + (0,) * 10, 7.5), renders_completed=1)


def test_counters_add_up_over_jobs_of_one_process(tracker, clock):
    tracker.render_init(SceneInfo("A", "a.blend", "CYCLES"), 1, (1, 2))
    render_frames(tracker, clock, [1, 2], seconds=1.0)
    tracker.render_ended(1)
    tracker.render_init(SceneInfo("B", "b.blend", "BLENDER_EEVEE"), 5, (5, 5))
    render_frames(tracker, clock, [5], seconds=4.0)
    state = tracker.render_ended(5)
    assert (state.frames_rendered, state.render_seconds, state.last_frame_seconds) == (3, 6.0, 4.0)
    assert (state.scene_info.scene, state.job_frame_start, state.job_frame_end) == ("B", 5, 5)


def test_a_cancelled_frame_counts_its_time_but_not_as_a_frame(tracker, clock):
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, (1, 10))
    tracker.frame_started(1)
    clock.advance(3.0)
    state = tracker.render_ended(1, cancelled=True)
    assert (state.rendering, state.frames_rendered, state.render_seconds) == (False, 0, 3.0)
    # The histogram is there from the render's start, every bucket at zero.
    assert state.last_frame_seconds is None and state.frame_times == FrameTimes((0,) * 13)
    assert (state.renders_completed, state.renders_cancelled) == (0, 1)


def test_each_render_has_one_outcome_even_when_both_end_handlers_run(tracker, clock):
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, (1, 1))
    tracker.render_ended(1, cancelled=True)
    state = tracker.render_ended(1)
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, (1, 1))
    render_frames(tracker, clock, [1])
    state = tracker.render_ended(1)
    assert (state.renders_completed, state.renders_cancelled) == (1, 1)


def unsaved(path):
    return f"output not written: {path} (its folder is not writable)"


def test_a_render_blender_gives_up_on_because_it_cannot_save_its_frame_fails_naming_the_file(clock):
    # Blender after "cannot save": render_cancel, and no render_post, render_write or render_complete.
    tracker = RenderTracker(clock, peak_memory=FakePeakMemory(), unwritten_output=unsaved)
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, (1, 10))
    tracker.frame_started(1, output_path="/farm/out/f0001.png")
    clock.advance(2.0)
    state = tracker.render_ended(1, cancelled=True)
    assert (state.rendering, state.renders_failed, state.renders_cancelled, state.render_seconds) == (False, 1, 0, 2.0)
    assert state.render_failure == "output not written: /farm/out/f0001.png (its folder is not writable)"
    assert tracker.render_failed() == state  # nothing under way any more: no second failure at exit


def test_a_cancel_whose_frame_could_be_saved_or_saves_none_stays_a_cancel(clock):
    tracker = RenderTracker(clock, peak_memory=FakePeakMemory(), unwritten_output=lambda path: None)
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, (1, 10))
    tracker.frame_started(1, output_path="/farm/out/f0001.png")
    assert tracker.render_ended(1, cancelled=True).renders_cancelled == 1
    saving_nothing = RenderTracker(clock, peak_memory=FakePeakMemory(), unwritten_output=unsaved)
    saving_nothing.render_init(SceneInfo("A", "", "CYCLES"), 1, None)
    saving_nothing.frame_started(1)  # F12, or a script's render: no output path
    state = saving_nothing.render_ended(1, cancelled=True)
    assert (state.renders_cancelled, state.renders_failed) == (1, 0)


def test_an_exit_mid_render_is_a_failed_render_with_its_unsaved_output_or_its_frame(clock):
    tracker = RenderTracker(clock, peak_memory=FakePeakMemory(), unwritten_output=unsaved)
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, (1, 10))
    tracker.frame_started(1, output_path="/farm/out/f0001.png")
    assert tracker.render_failed().render_failure == unsaved("/farm/out/f0001.png")
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 4, None)
    tracker.frame_started(4)
    state = tracker.render_failed()
    assert (state.renders_failed, state.render_failure) == (2, "Blender exited during frame 4, before the render ended")


def test_a_completed_render_keeps_no_output_for_the_next(clock):
    tracker = RenderTracker(clock, peak_memory=FakePeakMemory(), unwritten_output=unsaved)
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, (1, 1))
    tracker.frame_started(1, output_path="/farm/out/f0001.png")
    tracker.frame_finished(1)
    assert tracker.render_ended(1).renders_completed == 1
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 2, None)
    state = tracker.render_ended(2, cancelled=True)
    assert (state.renders_cancelled, state.renders_failed) == (1, 0)


def test_each_frame_lands_in_the_bucket_of_its_seconds_with_a_bound_inclusive(tracker, clock):
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, (1, 4))
    for frame, seconds in enumerate([0.5, 1.0, 1.5, 9000.0], start=1):
        render_frames(tracker, clock, [frame], seconds=seconds)
    times = tracker.snapshot().frame_times
    assert times.counts == (2, 1) + (0,) * 10 + (1,)
    assert (times.frames, times.seconds_sum) == (4, 9003.0)


def test_the_peak_memory_of_the_last_finished_frame_is_kept_and_reset_at_each_frame(clock):
    memory = FakePeakMemory(3_000_000, 2_000_000)
    tracker = RenderTracker(clock, peak_memory=memory)
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, (1, 2))
    render_frames(tracker, clock, [1])
    assert tracker.snapshot().frame_peak_memory_bytes == 3_000_000
    render_frames(tracker, clock, [2])
    assert tracker.snapshot().frame_peak_memory_bytes == 2_000_000
    assert memory.resets == 2


def test_a_loaded_file_is_shown_while_idle_but_does_not_end_a_render(tracker):
    loaded = SceneInfo("Scene", "new.blend", "CYCLES")
    assert tracker.scene_loaded(loaded, 4).scene_info == loaded
    tracker.render_init(loaded, 4, (1, 9))
    assert tracker.scene_loaded(SceneInfo("Other", "other.blend", "CYCLES"), 1).scene_info == loaded


def test_a_job_without_a_known_range_reports_none_rather_than_the_last_jobs(tracker, clock):
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, (1, 10))
    render_frames(tracker, clock, [1])
    tracker.render_ended(1)
    state = tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, None)
    assert state.rendering and (state.job_frame_start, state.job_frame_end) == (None, None)


def test_nothing_is_known_before_the_first_render(tracker):
    state = tracker.snapshot()
    assert not state.rendering and state.job_frame_start is None and state.last_frame_seconds is None


def blender_scene(engine, name="Scene", device="CPU", samples=128, eevee_samples=64):
    """The attributes of a Blender scene that SceneInfo reads."""
    return SimpleNamespace(name=name, render=SimpleNamespace(engine=engine),
                           cycles=SimpleNamespace(device=device, samples=samples),
                           eevee=SimpleNamespace(taa_render_samples=eevee_samples))


def cycles_preferences(compute_device_type):
    """bpy.context.preferences as far as the render device goes: addons is a mapping by add-on name."""
    return SimpleNamespace(addons={"cycles": SimpleNamespace(
        preferences=SimpleNamespace(compute_device_type=compute_device_type))})


def test_scene_info_reads_the_scene_name_the_whole_file_path_the_engine_device_and_samples():
    info = SceneInfo.of_blender(blender_scene("CYCLES", "Shot"), SimpleNamespace(filepath="/shots/010/lighting.blend"))
    assert info == SceneInfo(scene="Shot", blend_file="/shots/010/lighting.blend", engine="CYCLES",
                             device="CPU", samples=128)


@pytest.mark.parametrize("engine, scene_device, compute, device", [
    ("CYCLES", "CPU", "OPTIX", "CPU"),  # the scene's choice wins
    ("CYCLES", "GPU", "OPTIX", "OPTIX"),
    ("CYCLES", "GPU", "HIP", "HIP"),
    ("CYCLES", "GPU", "NONE", "CPU"),  # GPU chosen, none set up: Cycles renders on the CPU
    ("CYCLES", "GPU", None, "CPU"),  # no Cycles preferences at all
    ("BLENDER_EEVEE_NEXT", "CPU", "CUDA", "GPU"),
    ("BLENDER_WORKBENCH", "CPU", "NONE", "GPU"),
    ("SOME_RENDERER", "GPU", "CUDA", ""),
])
def test_the_render_device_is_what_blenders_settings_say(engine, scene_device, compute, device):
    preferences = cycles_preferences(compute) if compute else SimpleNamespace(addons={})
    info = SceneInfo.of_blender(blender_scene(engine, device=scene_device), SimpleNamespace(filepath=""), preferences)
    assert info.device == device


@pytest.mark.parametrize("engine, samples", [
    ("CYCLES", 4096), ("BLENDER_EEVEE", 64), ("BLENDER_EEVEE_NEXT", 64), ("BLENDER_WORKBENCH", None),
])
def test_samples_are_the_engines_own_setting(engine, samples):
    scene = blender_scene(engine, samples=4096, eevee_samples=64)
    assert SceneInfo.of_blender(scene, SimpleNamespace(filepath="")).samples == samples


@pytest.mark.parametrize("engine, reported", [
    ("BLENDER_EEVEE_NEXT", "BLENDER_EEVEE"),  # 4.2 to 4.5
    ("BLENDER_EEVEE", "BLENDER_EEVEE"),  # 3.x, 5.x
    ("CYCLES", "CYCLES"),
])
def test_eevee_is_one_engine_name_across_blender_versions(engine, reported):
    assert SceneInfo.of_blender(blender_scene(engine), SimpleNamespace(filepath="a.blend")).engine == reported


def test_a_setting_this_blender_lacks_reads_as_unknown_and_the_rest_is_still_reported():
    # Cycles chosen but its settings missing (a build or add-on without them): no device, no samples.
    scene = SimpleNamespace(name="Shot", render=SimpleNamespace(engine="CYCLES"))
    info = SceneInfo.of_blender(scene, SimpleNamespace(filepath="a.blend"), SimpleNamespace(addons=None))
    assert info == SceneInfo(scene="Shot", blend_file="a.blend", engine="CYCLES", device="", samples=None)


def test_progress_inside_a_frame_is_its_start_and_blenders_last_sign_of_life_with_samples_where_told(tracker, clock):
    tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, (1, 10))
    started = clock()
    state = tracker.frame_started(1)
    assert (state.frame_started_at, state.progress_at, state.frame_samples) == (started, started, None)
    clock.advance(3.0)
    state = tracker.progress("Fra:1 Mem:10.34M (Peak 10.34M) | Time:00:00.03 | Scene, ViewLayer | Sample 12/64")  # 4.3
    assert (state.frame_started_at, state.progress_at, state.frame_samples) == (started, started + 3.0, (12, 64))
    clock.advance(2.0)
    state = tracker.progress(None)  # 3.4 passes no text: the time alone, the samples as last told
    assert (state.progress_at, state.frame_samples) == (started + 5.0, (12, 64))
    state = tracker.progress("Mem: 1M | Sample 64/64")  # 5.2
    assert state.frame_samples == (64, 64)
    clock.advance(1.0)
    state = tracker.frame_finished(1)
    # Between frames: no frame under way, and its end is the render's last sign of life (a hang before the next frame,
    # in a driver evaluated for it, shows as no progress since).
    assert (state.frame_started_at, state.progress_at, state.frame_samples) == (None, started + 6.0, None)
    assert tracker.progress("Sample 1/64").frame_samples is None
    tracker.render_ended(1)
    assert tracker.snapshot().progress_at is None


def test_stats_without_samples_or_before_any_frame_change_nothing_they_cannot_know(tracker, clock):
    assert tracker.progress("Sample 3/8") == RenderSnapshot()  # not rendering
    started = clock()
    assert tracker.render_init(SceneInfo("A", "", "CYCLES"), 1, (1, 10)).progress_at == started  # the render's start
    clock.advance(2.0)
    state = tracker.progress("Sample 3/8")  # rendering, no frame started yet: progress, but no frame's samples
    assert (state.progress_at, state.frame_samples) == (started + 2.0, None)
    tracker.frame_started(1)
    assert tracker.progress("Mem: 1M | Synchronizing object | Cube").frame_samples is None
    assert tracker.progress("Sample 3/0").frame_samples is None  # no total: no share to tell
    tracker.render_ended(1, cancelled=True)
    assert tracker.snapshot().progress_at is None
