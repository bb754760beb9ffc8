"""Builds the installable zips of the add-on into artifacts/ (or the folder given).

    python3 blender_client/build_zip.py [output-folder]

renderfarm_reporter-<version>.zip holds the add-on folder, for Edit > Preferences > Add-ons >
Install on any Blender 3.0 or later. renderfarm_reporter-<version>-extension.zip holds
blender_manifest.toml at its root, the layout of a Blender 4.2+ extension package.
"""

import pathlib
import sys
import tomllib
import zipfile

ADDON = pathlib.Path(__file__).resolve().parent / "renderfarm_reporter"


def addon_files():
    for path in sorted(ADDON.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def build(output):
    output.mkdir(parents=True, exist_ok=True)
    manifest = tomllib.loads((ADDON / "blender_manifest.toml").read_text(encoding="utf-8"))
    stem = f"{manifest['id']}-{manifest['version']}"
    legacy, extension = output / f"{stem}.zip", output / f"{stem}-extension.zip"
    with zipfile.ZipFile(legacy, "w", zipfile.ZIP_DEFLATED) as legacy_zip, \
            zipfile.ZipFile(extension, "w", zipfile.ZIP_DEFLATED) as extension_zip:
        for path in addon_files():
            relative = path.relative_to(ADDON).as_posix()
            legacy_zip.write(path, f"{ADDON.name}/{relative}")
            extension_zip.write(path, relative)
    return legacy, extension


if __name__ == "__main__":
    target = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[1] / "artifacts"
    for built in build(target):
        print(built)
