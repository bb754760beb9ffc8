"""Whether this Blender runs one of its command-line tools rather than something that can render.

``blender --command NAME …`` (``-c``, Blender 4.2+) runs a tool that an add-on or Blender itself
registered (``extension install-file``, ``extension build``, ``extension validate``…) and exits
without loading a scene or rendering. Admins and provisioning scripts run these on render nodes,
often many times in a row; a reporter there would take an instance number, report a Blender that
renders nothing, and put a network library's shutdown in the way of the tool's exit code.

Blender's rule (``arg_handle_command_set`` in source/creator/creator_args.cc of 4.2 to 5.2): the
argument after ``-c``/``--command`` is the command and every later one is its own, so ``-c`` counts
only where Blender reads it as an option: not as another option's value (``-o -c`` is an output path),
and not after ``--``, which hands the rest to Python scripts.
"""

_COMMAND = ("-c", "--command")
_END_OF_BLENDER_ARGUMENTS = "--"

# Blender's options that take the next argument as their value (creator_args.cc), so that argument is
# never an option itself: the ones a render node's command line carries.
_TAKES_A_VALUE = frozenset({
    "-o", "--render-output", "-f", "--render-frame", "-s", "--frame-start", "-e", "--frame-end",
    "-j", "--frame-jump", "-E", "--engine", "-F", "--render-format", "-t", "--threads",
    "-P", "--python", "--python-expr", "--python-text", "--python-exit-code", "--addons",
    "--app-template", "--log", "--log-level", "--log-file", "--debug-value", "--env-system-datafiles",
    "--env-system-scripts", "--env-system-extensions", "--env-system-python",
    "-p", "--window-geometry", "--gpu-backend",
})


def runs_a_command(argv):
    """True when Blender's command line ``argv`` (``sys.argv``, program first) runs a ``--command`` tool."""
    arguments = iter(argv[1:])
    for argument in arguments:
        if argument == _END_OF_BLENDER_ARGUMENTS:
            return False
        if argument in _COMMAND:
            return True
        if argument in _TAKES_A_VALUE:
            next(arguments, None)
    return False
