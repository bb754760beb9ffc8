using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RenderFarm.StatusTests;

/// <summary>
/// A loopback socket that answers every connection with the same bytes and closes it:
/// a server that is not RenderFarm, or one gone wrong.
/// </summary>
public sealed class CannedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="answer">What every connection gets.</param>
    /// <param name="fillerBytes">Then this many bytes more (a body far larger than any answer), or until the client hangs up.</param>
    public CannedServer(string answer, long fillerBytes = 0)
    {
        var bytes = Encoding.UTF8.GetBytes(answer);
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                var stream = client.GetStream();
                var request = new byte[8192];
                try
                {
                    _ = await stream.ReadAsync(request, _stop.Token); // one read is enough for a GET
                    await stream.WriteAsync(bytes, _stop.Token);
                    var filler = new byte[64 * 1024];
                    for (var sent = 0L; sent < fillerBytes; sent += filler.Length)
                    {
                        await stream.WriteAsync(filler, _stop.Token);
                    }
                }
                catch (IOException)
                {
                    // The client hung up: what a check does with an answer too large.
                }
            }
        });
    }

    private int _connections;

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public static string HttpResponse(int status, string contentType, string body) =>
        $"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        _stop.Dispose();
    }
}
