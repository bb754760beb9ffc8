"""The job's frame range from Blender's command line. Each expected value was checked against what
Blender 3.4, 4.3 and 5.2 render for the same arguments (their render_pre handlers), with a scene of
frames 10 to 20 unless a test says otherwise."""

import random

import pytest

from renderfarm_reporter.core.job_frame_range import MAX_FRAME, MIN_FRAME, job_frame_range

SCENE = (10, 20)


def frames_of(*arguments, scene=SCENE):
    return job_frame_range(["blender", "-b", "shot.blend", *arguments], *scene)


@pytest.mark.parametrize("arguments", [
    (),  # a render started by a script or by hand
    ("-a",),
    ("--render-anim",),
    ("-o", "//frames/####", "-F", "PNG", "-x", "1", "-a"),
], ids=repr)
def test_without_frames_on_the_command_line_the_job_is_the_scenes_range(arguments):
    assert frames_of(*arguments) == (10, 20)


def test_frame_start_and_end_set_by_arguments_are_read_from_the_scene_they_changed():
    # `-s 12 -e 14 -a`: Blender changed the scene before rendering, and the handler reads the scene.
    assert frames_of("-s", "12", "-e", "14", "-a", scene=(12, 14)) == (12, 14)


def test_a_reversed_scene_range_is_given_in_order():
    assert frames_of("-a", scene=(20, 10)) == (10, 20)


@pytest.mark.parametrize("frames, expected", [
    ("7", (7, 7)),
    ("0", (0, 0)),
    ("1..10", (1, 10)),  # Flamenco's chunk
    ("250..250", (250, 250)),
    ("1,2,3", (1, 3)),
    ("4,5..8,9", (4, 9)),
    ("1..3,4..6", (1, 6)),
])
def test_the_frames_that_f_names_are_the_job(frames, expected):
    assert frames_of("-f", frames) == expected


def test_the_long_form_is_the_same_argument():
    assert frames_of("--render-frame", "3..5") == (3, 5)


@pytest.mark.parametrize("frames, expected", [
    ("+0", (10, 10)),  # +N: the scene's start + N
    ("+2", (12, 12)),
    ("-1", (20, 20)),  # -N: the scene's end - N + 1
    ("-3", (18, 18)),
    ("-0", (21, 21)),
    ("+0..-1", (10, 20)),
    ("+1..+3", (11, 13)),
    ("-3..-1", (18, 20)),
    ("2..-1", (2, 20)),
    ("+0,+1,-9", (10, 12)),
])
def test_relative_frames_count_from_the_scenes_start_and_end(frames, expected):
    assert frames_of("-f", frames) == expected


@pytest.mark.parametrize("frames, expected", [
    ("2000000", (MAX_FRAME, MAX_FRAME)),
    ("1..2000000", (1, MAX_FRAME)),
    ("-2000000", (MIN_FRAME, MIN_FRAME)),
    ("+2000000", (MAX_FRAME, MAX_FRAME)),
    ("-2147483647", (MIN_FRAME, MIN_FRAME)),  # 20 - 2147483647 + 1 still fits in an int
])
def test_frames_beyond_blenders_limits_are_clamped_as_blender_clamps_them(frames, expected):
    assert (MIN_FRAME, MAX_FRAME) == (-1048574, 1048574)
    assert frames_of("-f", frames) == expected


@pytest.mark.parametrize("frames", [
    "1,3,5",  # gaps
    "1..3,5..6",
    "3,1,2",  # each frame once, but out of order
    "12..13,11",
    "1..5,3..8",  # frames 3 to 5 twice
    "1,1",
])
def test_frames_that_are_not_one_run_in_order_give_no_range(frames):
    assert frames_of("-f", frames) is None


@pytest.mark.parametrize("frames, expected", [
    ("5..3", None),  # renders nothing
    ("5..3,7", (7, 7)),
    ("5..3,1..2", (1, 2)),
])
def test_a_reversed_range_is_skipped_as_blender_skips_it(frames, expected):
    assert frames_of("-f", frames) == expected


@pytest.mark.parametrize("frames", [
    "", "x", "1.5", "1..", "..5", "1...3", "1-3", "1,,2", ",1", "1,", "+", "-", "+-3", " 4", "4 ", "0x10",
    "\u0663",  # an Arabic-Indic three: Blender reads ASCII digits only
    "99999999999", "+2147483647", "-2147483700", "9" * 5000,  # beyond an int: Blender refuses them
], ids=repr)
def test_frames_blender_refuses_or_reads_oddly_give_no_range(frames):
    assert frames_of("-f", frames) is None


def test_leading_zeros_are_read_as_blender_reads_them():
    assert frames_of("-f", "0" * 20 + "7") == (7, 7)
    assert frames_of("-f", "0" * 5000 + "7..8") == (7, 8)


def test_f_at_the_end_without_frames_gives_no_range():
    assert frames_of("-f") is None


def test_the_argument_after_f_is_its_frames_even_when_it_looks_like_an_option():
    # Blender reads `-f -a` as the frame "-a" (not a number): nothing renders, and -a does not run.
    assert frames_of("-f", "-a") is None
    assert frames_of("-f", "-2") == (19, 19)


def test_f_before_the_blend_file_is_the_job_of_the_scene_it_renders():
    assert job_frame_range(["blender", "-b", "-f", "3", "shot.blend"], 1, 250) == (3, 3)


@pytest.mark.parametrize("arguments", [
    ("-f", "1", "-f", "2"),
    ("-f", "1..3", "-a"),
    ("-a", "-f", "4"),
    ("-a", "-a"),
    ("-f", "x", "-a"),
], ids=repr)
def test_several_renders_in_turn_give_no_range(arguments):
    # Blender renders each in turn; a render handler cannot tell which is running.
    assert frames_of(*arguments) is None


@pytest.mark.parametrize("arguments, expected", [
    (("-f", "7", "--", "-f", "9"), (7, 7)),
    (("--", "-f", "7"), (10, 20)),
    (("-a", "--", "-f", "7", "-a"), (10, 20)),
    (("--python", "job.py", "--", "--render-frame", "1,3,5"), (10, 20)),
], ids=repr)
def test_arguments_after_a_double_dash_belong_to_python_scripts(arguments, expected):
    assert frames_of(*arguments) == expected


def test_only_blenders_exact_spelling_counts():
    # -F is the render format; options are case-sensitive, and argv[0] is the program.
    assert frames_of("-F", "7") == (10, 20)
    assert job_frame_range(["-f", "7"], *SCENE) == (10, 20)
    assert job_frame_range([], *SCENE) == (10, 20)


def test_any_command_line_gives_a_range_in_blenders_limits_or_none_and_never_raises():
    pieces = ["-f", "--render-frame", "-a", "--", "-s", "1", "7", "+2", "-1", "..", ",", ".", "x", " ", "-",
              "+", "0", "99999999999", "\u0663", "1..3", "3,1"]
    chooser = random.Random(20240611)
    for _ in range(3000):
        argv = ["blender"]
        for _ in range(chooser.randint(0, 6)):
            argv.append("".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 4))))
        scene = sorted((chooser.randint(-100, 100), chooser.randint(-100, 100)))
        frames = job_frame_range(argv, *scene)
        assert frames is None or (isinstance(frames, tuple) and MIN_FRAME <= frames[0] <= frames[1] <= MAX_FRAME), \
            (argv, scene, frames)
