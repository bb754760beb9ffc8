using System.Net;
using System.Net.Sockets;

namespace RenderFarm.Testing;

/// <summary>
/// Two loopback ports the kernel picked, bound but not listening: a client connecting to them is refused, as by a
/// server that is down, and no one else takes them until <see cref="Release"/>, just before a server starts on them.
/// </summary>
public sealed class ReservedPorts : IDisposable
{
    private readonly Socket[] _sockets = [Bound(), Bound()];

    public int Grpc => Port(_sockets[0]);

    public int Http => Port(_sockets[1]);

    /// <summary>Frees the ports for the server to come.</summary>
    public void Release()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    public void Dispose() => Release();

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;
}
