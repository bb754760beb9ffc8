"""Who this Blender process is to the server: host, instance and session."""

import itertools
import re
import socket
import uuid

# The server's rule for host, instance and session_id (they become Prometheus labels): 1 to 128 of these.
_NOT_IDENTITY_CHAR = re.compile(r"[^A-Za-z0-9._:-]")

# One per process: the server tells a restarted Blender from a late report of the old one.
SESSION_ID = uuid.uuid4().hex
# Grows for the whole process, across connection resets, so no report of it is ever taken as stale.
SEQUENCE = itertools.count(1)


def identity_error(value):
    """None when ``value`` is acceptable as host or instance, else what is wrong with it."""
    if not value:
        return "must not be empty"
    if len(value) > 128:
        return f"must be at most 128 characters, was {len(value)}"
    bad = _NOT_IDENTITY_CHAR.search(value)
    if bad:
        return f"only letters, digits, '.', '_', '-' and ':' are allowed, found {bad.group()!r}"
    return None


def default_host(hostname=None):
    """The machine's host name, made acceptable as a label (a host name is not ours to refuse)."""
    name = hostname if hostname is not None else socket.gethostname()
    name = _NOT_IDENTITY_CHAR.sub("-", name)[:128]
    return name or "unknown-host"
