using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace RenderFarm.BlenderTests;

/// <summary>
/// Alertmanager's webhook receiver on an ephemeral loopback port: keeps every alert of every notification it is sent.
/// Plain HTTP/1.1 on a socket the kernel gave a port, as Alertmanager posts it (Content-Length bodies, kept-alive
/// connections).
/// </summary>
public sealed class AlertWebhook : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<JsonObject> _alerts = new();
    private readonly ConditionalWeakTable<JsonObject, StrongBox<DateTimeOffset>> _receivedAt = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public AlertWebhook()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _serving = ServeAsync();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/alerts";

    /// <summary>Every alert received so far (Alertmanager's webhook format: status, labels, annotations, startsAt).</summary>
    public IReadOnlyList<JsonObject> Alerts => [.. _alerts];

    /// <summary>When <paramref name="alert"/>'s notification arrived here (the time from a fault to its alert ends there).</summary>
    public DateTimeOffset ReceivedAt(JsonObject alert) =>
        _receivedAt.TryGetValue(alert, out var at) ? at.Value : throw new ArgumentException("not an alert this webhook received");

    public IEnumerable<JsonObject> Firing(string alertName) =>
        Alerts.Where(a => a["status"]?.ToString() == "firing" && a["labels"]?["alertname"]?.ToString() == alertName);

    public async Task<JsonObject> UntilFiringAsync(string alertName, Func<JsonObject, bool> match, TimeSpan deadline, Func<string> context)
    {
        using var timeout = new CancellationTokenSource(deadline);
        while (true)
        {
            if (Firing(alertName).FirstOrDefault(match) is { } alert)
            {
                return alert;
            }

            try
            {
                await Task.Delay(200, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"no firing {alertName} matching within {deadline}; received: [{string.Join(", ", Alerts.Select(a => a.ToJsonString()))}]\n{context()}");
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        var connections = new List<Task>();
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }

            connections.Add(ServeConnectionAsync(client));
        }

        await Task.WhenAll(connections);
    }

    /// <summary>Requests one after another on one connection, until Alertmanager closes it or the receiver stops.</summary>
    private async Task ServeConnectionAsync(TcpClient client)
    {
        using var connection = client;
        try
        {
            var stream = connection.GetStream();
            var pending = new List<byte>();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                // The head ends at an empty line; the body is Content-Length bytes after it.
                int headEnd;
                while ((headEnd = IndexOfEmptyLine(pending)) < 0)
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    pending.AddRange(buffer.AsSpan(0, n));
                }

                var head = Encoding.ASCII.GetString([.. pending.Take(headEnd)]);
                var length = head.Split("\r\n")
                    .Where(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    .Select(h => int.Parse(h.AsSpan(15).Trim(), CultureInfo.InvariantCulture))
                    .FirstOrDefault();
                pending.RemoveRange(0, headEnd + 4);
                while (pending.Count < length)
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    pending.AddRange(buffer.AsSpan(0, n));
                }

                var receivedAt = DateTimeOffset.UtcNow;
                foreach (var alert in JsonNode.Parse(Encoding.UTF8.GetString([.. pending.Take(length)]))!["alerts"]!.AsArray())
                {
                    _receivedAt.AddOrUpdate(alert!.AsObject(), new StrongBox<DateTimeOffset>(receivedAt));
                    _alerts.Enqueue(alert!.AsObject());
                }

                pending.RemoveRange(0, length);
                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Closed by Alertmanager, or the receiver stopped.
        }
    }

    private static int IndexOfEmptyLine(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
