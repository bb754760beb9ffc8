"""Keeps Blender running (idle, after any render) until the test creates the release file,
so the test can look at the idle state before Blender exits."""

import os
import time

release = os.environ["RENDERFARM_TEST_RELEASE"]
print("renderfarm-test: waiting", flush=True)
deadline = time.monotonic() + 120
while not os.path.exists(release) and time.monotonic() < deadline:
    time.sleep(0.05)
