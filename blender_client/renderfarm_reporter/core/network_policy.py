"""May this Blender talk to the server? Blender 4.2+ has an "Allow Online Access" switch.

It is off by default in background mode, which is how render managers start Blender
(``blender -b -y shot.blend -a``, without ``--online-mode``). The switch is about the internet:
extensions fetching things from outside. A RenderFarm server sits on the studio's own network, so
with the switch off the add-on still reports to an address that cannot be on the internet
(loopback, RFC 1918, RFC 4193 unique-local, link-local), and to a name only when every address it
resolves to is such an address. Anything public needs online access. ``--offline-mode`` on the
command line is the user saying "no network at all": then nothing is sent anywhere.

``decide`` is pure (addresses and Blender's flags in, a verdict out); ``resolve_addresses`` is
the one place that asks DNS, and it runs on the reporter thread, never on Blender's main thread.
"""

import ipaddress
import socket
from dataclasses import dataclass

# Networks that cannot be reached over the internet: where a studio's own server lives.
STUDIO_NETWORKS = tuple(ipaddress.ip_network(network) for network in (
    "127.0.0.0/8",     # loopback
    "10.0.0.0/8",      # RFC 1918
    "172.16.0.0/12",   # RFC 1918
    "192.168.0.0/16",  # RFC 1918
    "169.254.0.0/16",  # link-local
    "::1/128",         # loopback
    "fc00::/7",        # RFC 4193 unique-local
    "fe80::/10",       # link-local
))

HOW_TO_ALLOW = ("start Blender with --online-mode, or turn on Preferences > System > Network > "
                "Allow Online Access")


@dataclass(frozen=True)
class OnlineAccess:
    """Blender's two flags: ``allowed`` (bpy.app.online_access) and ``forced`` (set on the command
    line with --online-mode or --offline-mode, bpy.app.online_access_override)."""
    allowed: bool = True
    forced: bool = False

    @property
    def offline_forced(self):
        return self.forced and not self.allowed

    @classmethod
    def of_blender(cls, app):
        # Blender before 4.2 has no such switch: the network is simply there.
        return cls(allowed=bool(getattr(app, "online_access", True)),
                   forced=bool(getattr(app, "online_access_override", False)))


def is_studio_address(address):
    """True for an address that cannot be on the internet (see STUDIO_NETWORKS)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") is not part of it
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in STUDIO_NETWORKS)


def decide(server, addresses, access):
    """None when the add-on may connect to ``server`` (whose name resolved to ``addresses``),
    else the reason it may not, as one sentence for the console."""
    if access.allowed:
        return None
    if access.offline_forced:
        return "Blender was started with --offline-mode, so the add-on sends nothing"
    public = [address for address in addresses if not is_studio_address(address)]
    if not addresses:
        return f"'{server}' resolved to no address"
    if public:
        return (f"'{server}' is a public address ({public[0]}) and Blender's online access is off; "
                f"to report there, {HOW_TO_ALLOW}")
    return None


def resolve_addresses(name, port):
    """Every address ``name`` resolves to (an IP address resolves to itself). Raises OSError."""
    try:
        return [str(ipaddress.ip_address(name.split("%", 1)[0]))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})
