using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;

namespace RenderFarm.BlenderTests;

/// <summary>
/// Alertmanager's webhook receiver on a loopback port: keeps every alert of every notification it is sent.
/// </summary>
public sealed class AlertWebhook : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<JsonObject> _alerts = new();
    private readonly Task _serving;

    public AlertWebhook()
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = MonitoringProcess.FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 3)
            {
                // Taken meanwhile: another port.
            }
        }

        _serving = ServeAsync();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/alerts";

    /// <summary>Every alert received so far (Alertmanager's webhook format: status, labels, annotations, startsAt).</summary>
    public IReadOnlyList<JsonObject> Alerts => [.. _alerts];

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
        _listener.Stop();
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream))
            {
                var body = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
                foreach (var alert in body["alerts"]!.AsArray())
                {
                    _alerts.Enqueue(alert!.AsObject());
                }
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
