"""The life of this Blender's one Reporter (``core/reporter.py``, the thread that talks to the
server): built from the settings and started on register, stopped (signed off) on unregister
and at exit, rebuilt when a preference changes; and its status for the preferences panel.

Render counters live in ``tracker`` for the life of the process, so a preference change or
an outage never resets them.
"""

import atexit
import os
import sys

import bpy

from . import bl_info
from .core import blender_command, build, config, grpc_native
from .core.instance_lock import NoFreeInstanceNumber
from .core.network_policy import OnlineAccess
from .core.render_tracker import RenderTracker

# bl_info holds the version as a literal, for Blender 3.x reads it without importing the add-on.
ADDON_VERSION = ".".join(map(str, bl_info["version"]))

tracker = RenderTracker()
_reporter = None
_status = "Not started"
_problem = False


def log(message):
    # Standard error, in one write: Blender prints its render progress to standard output from
    # several threads, and a line of ours written there can land in the middle of one of them.
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(message + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass  # A closed or broken console must never stop reporting, let alone a render.


def status():
    """One line for the preferences panel."""
    refused = _refused()
    return f"Not reporting: {refused}" if refused else _status


def has_problem():
    return _problem or _refused() is not None


def first_report_outcome():
    """True once the server accepted a report, False when reporting cannot work until a setting changes,
    None while it may still work (an unreachable server is retried). For the provisioning command."""
    reporter = _reporter
    if reporter is None:
        return False if _problem else None
    if reporter.reached_server:
        return True
    return False if reporter.stuck else None


def _refused():
    # The network check runs on the reporter thread (it may resolve a name): its verdict arrives later.
    reporter = _reporter
    return reporter.refused if reporter is not None else None


def publish(snapshot, urgent=True):
    reporter = _reporter
    if reporter is not None:
        reporter.publish(snapshot, urgent=urgent)


def start(after=None):
    global _reporter, _status, _problem
    if _reporter is not None:
        return
    if blender_command.runs_a_command(sys.argv):
        # A command-line tool (extension install-file, build…) renders nothing: no reporter, no instance
        # number, and nothing of the network library's between the tool and its exit code.
        _status = "Not reporting: this Blender runs a command-line tool (--command), which renders nothing"
        return
    access = OnlineAccess.of_blender(bpy.app)
    if access.offline_forced:
        _set_problem("Not reporting: Blender was started with --offline-mode, so the add-on sends nothing")
        return
    try:
        settings = config.resolve(os.environ, _preference_values(), grpc_native.available())
        reporter = build.build_reporter(settings, bpy.app.version_string, ADDON_VERSION, log, access)
    except (config.ConfigError, NoFreeInstanceNumber) as error:
        _set_problem(f"Not reporting: {error}")
        return
    identity = reporter.identity
    _status = f"Reporting as {identity.host}/{identity.instance} to {settings.endpoint}"
    _problem = False
    log(f"RenderFarm: reporting render state as host '{identity.host}', instance '{identity.instance}' "
        f"to {settings.describe()}")
    reporter.publish(tracker.snapshot())
    reporter.start(after=after)
    _reporter = reporter


def stop(wait=True):
    """Signs off, bounded to about a second."""
    global _reporter
    reporter, _reporter = _reporter, None
    if reporter is not None:
        reporter.stop(wait=wait)
    return reporter


def restart():
    """A preference changed: new settings, new connection; the main thread does not wait for the old one."""
    start(after=stop(wait=False))


def at_exit():
    """Blender is exiting. A render still under way will never end: it failed (Blender quits after a frame it could not
    save, or a script exits mid-render); the server hears that before the sign-off."""
    if tracker.snapshot().rendering:
        publish(tracker.render_failed())
    stop()


def register():
    atexit.register(at_exit)
    start()


def unregister():
    atexit.unregister(at_exit)
    stop()


def _set_problem(text):
    global _status, _problem
    # Said once per change of setting, never per render or per attempt.
    if text != _status:
        log(f"RenderFarm: {text}. Blender is not affected.")
    _status = text
    _problem = True


def _preference_values():
    addon = bpy.context.preferences.addons.get(__package__)
    if addon is None or addon.preferences is None:
        return {}  # Enabled with --addons: no saved preferences, defaults apply.
    return {name: getattr(addon.preferences, name) for name in config.ENVIRONMENT.values()}
