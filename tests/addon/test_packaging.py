import ast
import tomllib
import zipfile

from renderfarm_reporter.core import VERSION

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


def test_bl_info_manifest_and_core_agree_on_the_version():
    assert ".".join(map(str, bl_info()["version"])) == manifest()["version"] == VERSION


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
    assert legacy.name == f"renderfarm_reporter-{VERSION}.zip"
    with zipfile.ZipFile(legacy) as archive:
        names = set(archive.namelist())
    assert {"renderfarm_reporter/__init__.py", "renderfarm_reporter/blender_manifest.toml",
            "renderfarm_reporter/core/reporter.py"} <= names
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    with zipfile.ZipFile(extension) as archive:
        assert {"blender_manifest.toml", "__init__.py", "core/messages.py"} <= set(archive.namelist())
