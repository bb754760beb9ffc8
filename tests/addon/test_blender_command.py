import pytest

from renderfarm_reporter.core.blender_command import runs_a_command


@pytest.mark.parametrize("argv", [
    # How admins and provisioning scripts run Blender's extension tools (4.2+).
    ["blender", "--command", "extension", "install-file", "-r", "user_default", "-e", "renderfarm.zip"],
    ["blender", "-c", "extension", "build", "--source-dir", "addon"],
    ["blender", "--factory-startup", "--command", "extension", "validate"],
    ["blender", "-b", "--addons", "renderfarm_reporter", "-c", "extension", "list"],
])
def test_a_command_line_tool_is_told(argv):
    assert runs_a_command(argv)


@pytest.mark.parametrize("argv", [
    ["blender"],
    ["blender", "-b", "-y", "shot.blend", "-a"],
    ["blender", "-b", "shot.blend", "-o", "-c", "-f", "1"],  # "-c" is the output path here
    ["blender", "-b", "--python-expr", "-c", "-a"],  # and here a Python expression's text
    ["blender", "-b", "shot.blend", "-a", "--", "-c", "--command"],  # script arguments, not Blender's
    ["blender", "-b", "shot.blend", "-E", "CYCLES", "-s", "1", "-e", "9", "-j", "2", "-a"],
])
def test_runs_that_can_render_are_not(argv):
    assert not runs_a_command(argv)
