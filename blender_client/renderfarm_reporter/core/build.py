"""Puts a Reporter together from Settings: the transport, and the instance name."""

from . import grpc_native
from .config import GRPC
from .grpc_web import GrpcWebTransport
from .identity import SESSION_ID
from .instance_lock import lock_free_instance_number
from .job import job_name
from .network_policy import OnlineAccess, decide, resolve_addresses
from .reporter import Identity, Reporter

# Held for the life of the process: the instance number must not change when the connection is reset.
_instance_lock = None


def instance_name(settings, lock_directory=None):
    global _instance_lock
    if settings.instance is not None:
        return settings.instance
    if _instance_lock is None:
        _instance_lock = lock_free_instance_number(lock_directory)
    return str(_instance_lock.number)


def build_reporter(settings, blender_version, addon_version, log, access=OnlineAccess()):
    """A Reporter, not yet started. Raises NoFreeInstanceNumber when every instance number is taken."""
    user_agent = f"renderfarm-reporter/{addon_version}"
    if settings.endpoint.transport == GRPC:
        transport = grpc_native.NativeTransport(settings.endpoint, settings.token, user_agent, settings.ca_file)
    else:
        transport = GrpcWebTransport(settings.endpoint, settings.token, user_agent, settings.ca_file)
    identity = Identity(
        host=settings.host,
        instance=instance_name(settings),
        session_id=SESSION_ID,
        blender_version=blender_version,
        addon_version=addon_version,
        job=job_name(),
    )
    return Reporter(transport, identity, str(settings.endpoint), log, gate=network_gate(settings.endpoint, access))


def network_gate(endpoint, access):
    """None when Blender allows online access; else the check the reporter makes before its first report."""
    if access.allowed:
        return None
    return lambda: decide(endpoint.address, resolve_addresses(endpoint.address, endpoint.port), access)
