"""Brings the add-on's reporter to one state, then lets Blender exit (ExitStressTests).

RENDERFARM_TEST_EXIT_STATE: "connected" and "frozen" wait until the server accepted a report (printing
"renderfarm-test: reached"); "frozen" then waits for RENDERFARM_TEST_RELEASE, which the test writes once it has
frozen the server, so the exit's sign-off is in flight to a server that does not answer. Any other state exits after
RENDERFARM_TEST_DELAY_MS, spreading the exit over the reporter's first attempts (connecting, waiting for an answer,
backing off).
"""

import os
import sys
import time

state = os.environ["RENDERFARM_TEST_EXIT_STATE"]
lifecycle = next(module for name, module in list(sys.modules.items())
                 if name.endswith("renderfarm_reporter.reporter_lifecycle"))

if state in ("connected", "frozen"):
    deadline = time.monotonic() + 30
    while lifecycle.first_report_outcome() is not True and time.monotonic() < deadline:
        time.sleep(0.01)
    print(f"renderfarm-test: reached {lifecycle.first_report_outcome()}", flush=True)
if state == "frozen":
    release = os.environ["RENDERFARM_TEST_RELEASE"]
    while not os.path.exists(release):
        time.sleep(0.01)
else:
    time.sleep(int(os.environ.get("RENDERFARM_TEST_DELAY_MS", "0")) / 1000)
