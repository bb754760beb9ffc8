"""Puts a Reporter together from Settings: the transport, and the instance name."""

from . import grpc_native
from .config import GRPC
from .grpc_web import GrpcWebTransport
from .identity import SESSION_ID
from .instance_slot import acquire_slot
from .network_policy import OnlineAccess, decide, resolve_addresses
from .reporter import Identity, Reporter

# Held for the life of the process: the slot number must not change when the connection is reset.
_slot = None


def instance_name(settings, lock_directory=None):
    global _slot
    if settings.instance is not None:
        return settings.instance
    if _slot is None:
        _slot = acquire_slot(lock_directory)
    return str(_slot.number)


def build_reporter(settings, blender_version, addon_version, log, access=OnlineAccess()):
    """A Reporter, not yet started. Raises SlotError when no instance slot is free."""
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
    )
    return Reporter(transport, identity, str(settings.endpoint), log, gate=network_gate(settings.endpoint, access))


def network_gate(endpoint, access):
    """None when Blender allows online access; else the check the reporter makes before its first report."""
    if access.allowed:
        return None
    return lambda: decide(endpoint.address, resolve_addresses(endpoint.address, endpoint.port), access)
