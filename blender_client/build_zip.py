"""Builds the installable zips of the add-on into artifacts/ (or the folder given).

    python3 blender_client/build_zip.py [output-folder]

renderfarm_reporter-<version>.zip holds the add-on folder, for Edit > Preferences > Add-ons >
Install on any Blender 3.0 or later. renderfarm_reporter-<version>-extension.zip holds
blender_manifest.toml at its root, the layout of a Blender 4.2+ extension package.
"""

import pathlib
import re
import sys
import zipfile

try:
    import tomllib
except ImportError:  # Python before 3.11, as in Blender 3.x from blender.org (the provisioning command runs there)
    tomllib = None

ADDON = pathlib.Path(__file__).resolve().parent / "renderfarm_reporter"


def addon_files():
    for path in sorted(ADDON.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def manifest_id_and_version():
    text = (ADDON / "blender_manifest.toml").read_text(encoding="utf-8")
    if tomllib is not None:
        manifest = tomllib.loads(text)
        return {"id": manifest["id"], "version": manifest["version"]}
    return dict(re.findall(r'^(id|version) = "([^"]+)"$', text, re.MULTILINE))


def build(output):
    output.mkdir(parents=True, exist_ok=True)
    stem = "{id}-{version}".format(**manifest_id_and_version())
    legacy, extension = output / f"{stem}.zip", output / f"{stem}-extension.zip"
    with zipfile.ZipFile(legacy, "w", zipfile.ZIP_DEFLATED) as legacy_zip, \
            zipfile.ZipFile(extension, "w", zipfile.ZIP_DEFLATED) as extension_zip:
        for path in addon_files():
            relative = path.relative_to(ADDON).as_posix()
            legacy_zip.write(path, f"{ADDON.name}/{relative}")
            extension_zip.write(path, relative)
    return legacy, extension


if __name__ == "__main__":
    default = pathlib.Path(__file__).resolve().parents[1] / "artifacts"
    target = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else default
    for built in build(target):
        print(built)
