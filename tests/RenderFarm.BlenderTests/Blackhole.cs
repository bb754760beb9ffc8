using System.Net;
using System.Net.Sockets;

namespace RenderFarm.BlenderTests;

/// <summary>
/// A loopback port that accepts connections and never answers (a hung process, a black-holing proxy), or, with
/// <c>reset</c>, resets each one as soon as it is accepted (a server that goes away mid-call).
/// </summary>
internal sealed class Blackhole : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _reset;
    private int _accepted;
    private bool _disposed;

    /// <param name="reset">Reset each connection at once instead (a server that goes away mid-call).</param>
    public Blackhole(bool reset = false)
    {
        _reset = reset;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        _listener.Stop();
        lock (_held)
        {
            foreach (var socket in _held)
            {
                socket.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                if (_reset)
                {
                    socket.LingerState = new LingerOption(true, 0); // closing sends RST
                    socket.Dispose();
                    continue;
                }

                lock (_held)
                {
                    _held.Add(socket);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
