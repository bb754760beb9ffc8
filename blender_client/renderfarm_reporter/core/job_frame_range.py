"""The frame range of the render job this Blender runs, read from its command line.

Render managers start Blender for a whole scene (``blender -b shot.blend -a``) or, more often, for a
part of it: ``-f 7``, ``-f 1..10`` (Flamenco's chunks), ``-f 1,2,3``, ``-f +2`` or ``-f -1``. Progress
and ETA count the frames left as ``last - current + 1``, so the range is given only when the job
renders each frame from first to last once, in that order. Otherwise there is no range (the status
API then shows no job, so no progress or ETA) rather than one that lies.

Blender's rules, the same in 3.4, 4.3 and 5.2 (``arg_handle_render_frame`` and
``parse_int_range_relative_clamp_n`` in source/creator/creator_args.c of 3.4, creator_args.cc of 4.3 and 5.2):
- ``-f``/``--render-frame`` takes the next argument, whatever it is, as a comma list of frames or
  ``A..B`` ranges; ``+N`` is the scene's start + N, ``-N`` its end - N + 1; each frame is clamped
  to MINAFRAME..MAXFRAME; a reversed range is skipped with a warning; anything else is refused
  and renders nothing.
- Each frame of ``-f`` is a render of its own (render_init to render_complete), and ``-a`` renders
  the scene's start..end once. Arguments run in the order given, so ``-s``/``-e`` before ``-f``
  change what ``+N``/``-N`` mean, and ``-f`` before the .blend file renders the startup scene.
- ``--`` ends Blender's arguments: what follows belongs to Python scripts.
"""

import re

# MINAFRAME and MAXFRAME of DNA_scene_types.h: Blender clamps every frame of -f into them.
MIN_FRAME = -1048574
MAX_FRAME = 1048574
# Blender parses into a C int and refuses what does not fit ("exceeds range").
_INT_MIN, _INT_MAX = -2**31, 2**31 - 1

_RENDER_FRAMES = ("-f", "--render-frame")
_RENDER_ANIMATION = ("-a", "--render-anim")
_END_OF_BLENDER_ARGUMENTS = "--"

# One frame as render managers write it: an absolute number, or +N/-N relative to the scene's start/end.
# Blender's strtol also takes odd forms (" 7", "+", "..7" as 0..7); those give no range here.
_FRAME = re.compile(r"([+-]?)([0-9]+)")


def saves_frames(argv):
    """True when Blender's command line renders frames (``-a``, ``-f``), each of which it saves to the output path."""
    for argument in argv[1:]:
        if argument == _END_OF_BLENDER_ARGUMENTS:
            return False
        if argument in _RENDER_FRAMES or argument in _RENDER_ANIMATION:
            return True
    return False


def job_frame_range(argv, scene_start, scene_end):
    """(first, last) frame of the render running now, or None when that cannot be told for sure.

    ``argv`` is the process's command line (``sys.argv``: the program, then Blender's arguments).
    ``scene_start`` and ``scene_end`` are the rendered scene's, read as the render starts: they are
    what ``-a`` renders and what ``+N``/``-N`` count from, after any ``-s``/``-e`` that ran before.

    The rule for the order of arguments: with exactly one render argument, its frames are the job's,
    wherever it stands (before the .blend file it renders the startup scene, and that is what the
    handlers see). With several (``-f 1 -f 5``, ``-f 1..3 -a``) Blender renders them one after the
    other, and a render handler cannot tell which one is running: no range. Without any (a render
    started by a script), the scene's range, as ``-a`` would render.
    """
    renders = _render_arguments(argv)
    scene_range = (min(scene_start, scene_end), max(scene_start, scene_end))
    if not renders:
        return scene_range
    if len(renders) > 1:
        return None
    (frames,) = renders
    if frames is None:
        return scene_range
    spans = _frame_spans(frames, scene_start, scene_end)
    return None if spans is None else _one_run(spans)


def _render_arguments(argv):
    """Blender's render arguments in order: the text after each -f, None for each -a."""
    arguments = list(argv[1:])
    renders = []
    position = 0
    while position < len(arguments):
        argument = arguments[position]
        if argument == _END_OF_BLENDER_ARGUMENTS:
            break
        if argument in _RENDER_FRAMES:
            # Blender takes the next argument as the frames even when it looks like an option (`-f -a` is
            # a bad frame, and no -a); a -f with nothing after it renders nothing: an empty text, refused.
            renders.append(arguments[position + 1] if position + 1 < len(arguments) else "")
            position += 2
        else:
            if argument in _RENDER_ANIMATION:
                renders.append(None)
            position += 1
    return renders


def _frame_spans(text, scene_start, scene_end):
    """The (first, last) spans that ``-f text`` renders, in order; None when Blender refuses the text, or
    reads it in a way that is not mirrored here."""
    spans = []
    for item in text.split(","):
        first_text, separator, last_text = item.partition("..")
        first = _frame(first_text, scene_start, scene_end)
        last = _frame(last_text, scene_start, scene_end) if separator else first
        if first is None or last is None:
            return None
        if first <= last:
            spans.append((first, last))
    return spans


def _frame(text, scene_start, scene_end):
    match = _FRAME.fullmatch(text)
    if match is None:
        return None
    sign, digits = match.groups()
    # Leading zeros count for nothing; past ten digits no frame fits an int, and int() of thousands of digits raises.
    digits = digits.lstrip("0") or "0"
    if len(digits) > 10:
        return None
    number = int(digits)
    frame = scene_start + number if sign == "+" else scene_end - number + 1 if sign == "-" else number
    if not _INT_MIN <= frame <= _INT_MAX:
        return None
    return max(MIN_FRAME, min(MAX_FRAME, frame))


def _one_run(spans):
    """(first, last) when the spans render every frame from first to last once and in order, else None:
    with a gap (1,3,5), a frame twice (1..5,3..8) or out of order (3,1,2), last - current would lie."""
    if not spans:
        return None
    for (_, previous_last), (first, _) in zip(spans, spans[1:]):
        if first != previous_last + 1:
            return None
    return spans[0][0], spans[-1][1]
