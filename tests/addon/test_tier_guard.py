"""The unit tier's guard (conftest.py) can fail: a unit test that opens a socket or starts a process is stopped."""
import os
import socket
import subprocess

import pytest

from conftest import TierViolation


def test_a_unit_test_that_opens_a_socket_is_stopped_naming_itself():
    with socket.socket() as unbound, pytest.raises(TierViolation, match="test_tier_guard.py::.* called socket.bind"):
        unbound.bind(("127.0.0.1", 0))
    with socket.socket() as unconnected, pytest.raises(TierViolation, match="called socket.connect"):
        unconnected.connect(("127.0.0.1", 9))


def test_a_unit_test_that_starts_a_process_is_stopped():
    with pytest.raises(TierViolation, match="started a process in the unit tier; mark it @pytest.mark.integration"):
        subprocess.run(["true"], check=True)
    with pytest.raises(TierViolation, match="forked"):
        os.fork()


@pytest.mark.integration
def test_an_integration_test_may_start_a_process():
    assert subprocess.run(["true"], check=True).returncode == 0
