"""Sets up the RenderFarm add-on on one farm node, for the user who renders there. Safe to run again.

    blender -b --factory-startup --python blender_client/provision.py -- --server grpc://renderfarm:50051 \\
        [--token-file FILE] [--transport auto|grpc|grpc-web] [--ca-file FILE] [--no-verify]

Run it with the Blender the node renders with, as the user that renders (or bake it into the node's
image). Each step prints one line:

1. builds the add-on's packages from this folder (build_zip.py);
2. installs and enables the add-on the way this Blender installs add-ons: on 4.2+ the extension, with
   Blender's own ``blender --command extension install-file -r user_default -e``; on 3.x the legacy zip,
   with ``addon_install`` and ``addon_enable``; a second run reinstalls the same files;
3. stores the settings in the add-on's preferences and saves them (this user's userpref.blend), where
   every later ``blender -b -y shot.blend -a`` reads them;
4. verifies: starts this Blender once more as a render node starts it (background, no ``--online-mode``)
   and waits until the server has accepted the add-on's first report (it signs off at exit).

Exit code 0 when every step worked, 1 when one failed (its reason is printed), 2 for bad arguments.
RENDERFARM_* variables of the caller are not used: what is checked is what was stored.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import bpy

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import build_zip  # noqa: E402 (found next to this file)

MODULE = "renderfarm_reporter"
EXTENSIONS_FROM = (4, 2, 0)
STEP_TIMEOUT = 120
VERIFY_SECONDS = 15

# Runs in a fresh Blender: installs the legacy zip and enables it (Blender 3.x).
INSTALL_LEGACY = """
import sys, bpy
bpy.ops.preferences.addon_install(filepath=sys.argv[-1], overwrite=True)
bpy.ops.preferences.addon_enable(module="renderfarm_reporter")
bpy.ops.wm.save_userpref()
print("provision: enabled", "renderfarm_reporter" in bpy.context.preferences.addons)
"""

# Runs in a fresh Blender with the add-on enabled: stores the settings, then waits for the first report.
CONFIGURE_AND_VERIFY = """
import json, sys, time, bpy
with open(sys.argv[-1], encoding="utf-8") as file:
    settings, verify, wait = json.load(file)
name = next((n for n in bpy.context.preferences.addons.keys() if n.rsplit(".", 1)[-1] == "renderfarm_reporter"), None)
if name is None:
    print("provision: failed: the add-on is not enabled in this Blender's preferences")
    sys.exit(1)
preferences = bpy.context.preferences.addons[name].preferences
for key, value in settings.items():
    if getattr(preferences, key) != value:  # each change restarts the reporter
        setattr(preferences, key, value)
bpy.ops.wm.save_userpref()
print("provision: stored", bpy.utils.user_resource("CONFIG"))
lifecycle = sys.modules[name + ".reporter_lifecycle"]
if verify:
    deadline = time.monotonic() + wait
    while lifecycle.first_report_outcome() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    outcome = lifecycle.first_report_outcome()
    print("provision: verified" if outcome else "provision: failed:", lifecycle.status())
    sys.exit(0 if outcome else 1)
"""


def main(argv):
    arguments = parse(argv)
    blender = bpy.app.binary_path
    print(f"RenderFarm provisioning: Blender {bpy.app.version_string} ({blender}), "
          f"user folder {bpy.utils.resource_path('USER')}")

    settings = {"server": arguments.server, "transport": arguments.transport,
                "token": read_token(arguments.token_file), "ca_file": arguments.ca_file or ""}
    with tempfile.TemporaryDirectory(prefix="renderfarm-provision-") as folder:
        legacy, extension = build_zip.build(pathlib.Path(folder))
        print(f"built: {extension.name if extension_form() else legacy.name}")
        if extension_form():
            # --offline-mode: the add-on, enabled by the install, must not report with settings not yet stored.
            output = run([blender, "--offline-mode", "--command", "extension", "install-file",
                          "-r", "user_default", "-e", str(extension)], "installing the extension")
            installed = next((line for line in output.splitlines() if line.startswith("STATUS ")), "STATUS done")
            print(f"installed: extension into the repository user_default ({installed[7:]}), enabled")
        else:
            # Not --factory-startup: saving the preferences must keep the user's other preferences.
            output = run([blender, "-b", "--python-expr", INSTALL_LEGACY, "--", str(legacy)],
                         "installing the add-on")
            if "provision: enabled True" not in output:
                fail(f"the add-on was installed but could not be enabled:\n{output}")
            print(f"installed: add-on {MODULE} into {bpy.utils.user_resource('SCRIPTS', path='addons')}, enabled")

        # The settings (the token among them) go through a file only this user can read, not the command line.
        settings_file = pathlib.Path(folder) / "settings.json"
        settings_file.touch(mode=0o600)
        settings_file.write_text(json.dumps([settings, not arguments.no_verify, VERIFY_SECONDS]), encoding="utf-8")
        output = run([blender, "-b", "--python-expr", CONFIGURE_AND_VERIFY, "--", str(settings_file)],
                     "storing the settings", allow_failure=True)
    lines = [line for line in output.splitlines() if line.startswith("provision: ")]
    stored = next((line for line in lines if line.startswith("provision: stored")), None)
    if stored is None:
        fail(next((line[len("provision: "):] for line in lines), f"the settings could not be stored:\n{output}"))
    token = "set" if settings["token"] else "none"
    print(f"stored: server {settings['server']}, transport {settings['transport']}, token {token}"
          f"{', CA file ' + settings['ca_file'] if settings['ca_file'] else ''} "
          f"in {stored[len('provision: stored '):]}")
    if arguments.no_verify:
        print("verified: skipped (--no-verify)")
        return 0
    verdict = next((line for line in lines if line.startswith(("provision: verified", "provision: failed"))), None)
    if verdict is None or verdict.startswith("provision: failed"):
        addon_lines = [line for line in output.splitlines() if line.startswith("RenderFarm: ")]
        fail(addon_lines[-1] if addon_lines else (verdict or output))
    print(f"verified: {verdict[len('provision: verified '):]}; the server accepted a report")
    return 0


def parse(argv):
    parser = argparse.ArgumentParser(prog="blender -b --factory-startup --python provision.py --",
                                     description="Installs, enables and configures the RenderFarm add-on "
                                                 "for this user.")
    parser.add_argument("--server", required=True, help="as RENDERFARM_SERVER: host, host:port, grpc://, http:// …")
    parser.add_argument("--transport", default="auto", choices=("auto", "grpc", "grpc-web"))
    parser.add_argument("--token-file", help="file whose first line is the bearer token (kept out of the process list)")
    parser.add_argument("--ca-file", help="PEM file of the CA that signed the server's certificate")
    parser.add_argument("--no-verify", action="store_true", help="store the settings without sending a report")
    try:
        return parser.parse_args(argv)
    except SystemExit as exit_:
        sys.exit(2 if exit_.code else 0)


def read_token(path):
    if not path:
        return ""
    try:
        with open(path, encoding="utf-8") as file:
            return file.readline().strip()
    except OSError as error:
        fail(f"--token-file: cannot read '{path}' ({error.strerror or error})")


def extension_form():
    return bpy.app.version >= EXTENSIONS_FROM


def run(command, what, allow_failure=False):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("RENDERFARM_")}
    try:
        done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=STEP_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        fail(f"{what}: {error}")
    output = done.stdout + done.stderr
    if done.returncode != 0 and not allow_failure:
        fail(f"{what} failed (exit code {done.returncode}):\n{output}")
    return output


def fail(reason):
    print(f"failed: {reason}")
    sys.exit(1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []))
