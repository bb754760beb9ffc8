import ast
import tomllib
import zipfile

from conftest import ADDON, REPOSITORY

import importlib.util

_spec = importlib.util.spec_from_file_location("build_zip", REPOSITORY / "blender_client" / "build_zip.py")
build_zip = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_zip)


def bl_info():
    tree = ast.parse((ADDON / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "bl_info":
            return ast.literal_eval(node.value)
    raise AssertionError("no bl_info")


def manifest():
    return tomllib.loads((ADDON / "blender_manifest.toml").read_text(encoding="utf-8"))


def addon_version():
    """bl_info's, as the add-on reports it."""
    return ".".join(map(str, bl_info()["version"]))


def test_the_manifest_has_the_version_of_bl_info():
    assert manifest()["version"] == addon_version(), (
        f"blender_manifest.toml has version {manifest()['version']}, bl_info in __init__.py {addon_version()}: "
        "a release changes both")


def test_manifest_is_an_add_on_extension_asking_for_network_access():
    data = manifest()
    assert data["id"] == ADDON.name == "renderfarm_reporter"
    assert data["type"] == "add-on"
    assert "network" in data["permissions"]
    assert data["blender_version_min"] >= "4.2.0"


def test_core_never_imports_bpy():
    for path in (ADDON / "core").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not any(name.split(".")[0] == "bpy" for name in imported), path.name


def test_add_on_imports_are_relative_as_extensions_need():
    for path in ADDON.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("renderfarm_reporter"), path.name


def test_zip_command_builds_a_legacy_zip_and_an_extension_zip(tmp_path):
    legacy, extension = build_zip.build(tmp_path)
    assert legacy.name == f"renderfarm_reporter-{addon_version()}.zip"
    with zipfile.ZipFile(legacy) as archive:
        names = set(archive.namelist())
    assert {"renderfarm_reporter/__init__.py", "renderfarm_reporter/blender_manifest.toml",
            "renderfarm_reporter/core/reporter.py"} <= names
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    with zipfile.ZipFile(extension) as archive:
        assert {"blender_manifest.toml", "__init__.py", "core/messages.py"} <= set(archive.namelist())


# Blender's own extension rules (bl_pkg's manifest validation, 4.2 to 5.2): the real validator runs
# in the Blender suites (`blender --command extension validate`); this keeps the manifest from drifting
# between those runs and says which rule broke.
TERSE_LIMIT = 64
PERMISSION_KEYS = {"files", "network", "clipboard", "camera", "microphone"}


def terse_text_error(value):
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        return "a non-empty string without surrounding spaces expected"
    if len(value) > TERSE_LIMIT:
        return f"at most {TERSE_LIMIT} characters expected, found {len(value)}"
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "no control characters expected"
    if not (value[-1].isalnum() or value[-1] in ")]}"):
        return "must not end with punctuation"
    return None


def test_terse_text_rule_catches_what_blender_refuses():
    assert terse_text_error("Reports render state to a RenderFarm server for Prometheus and Grafana") is not None
    assert terse_text_error("Sends render state.") is not None
    assert terse_text_error("Sends render state (gRPC)") is None


def test_manifest_tagline_and_permission_reasons_follow_blenders_rules():
    data = manifest()
    assert terse_text_error(data["tagline"]) is None, f"tagline: {terse_text_error(data['tagline'])}"
    assert isinstance(data["permissions"], dict)
    for key, reason in data["permissions"].items():
        assert key in PERMISSION_KEYS, key
        assert terse_text_error(reason) is None, f"permissions.{key}: {terse_text_error(reason)}"


def test_manifest_id_and_required_keys_follow_blenders_rules():
    data = manifest()
    for key in ("schema_version", "id", "version", "name", "tagline", "maintainer", "type", "license",
                "blender_version_min"):
        assert key in data, key
    pkg_id = data["id"]
    assert pkg_id.isidentifier() and "__" not in pkg_id and not pkg_id.startswith("_") and not pkg_id.endswith("_")
    assert all(part.isdigit() for part in data["version"].split("."))
    assert all(license.startswith("SPDX:") for license in data["license"])
