using Grpc.Core;
using Grpc.Net.Client;
using RenderFarm.Contracts.V1;
using RenderFarm.Testing;

namespace RenderFarm.IntegrationTests;

/// <summary>Talks to a running server the way the add-on and Prometheus do.</summary>
public sealed class Farm : IDisposable
{
    private readonly ServerProcess _server;
    private readonly GrpcChannel _native;
    private readonly GrpcChannel _grpcWeb;
    private readonly HttpClient _http;

    public Farm(ServerProcess server)
    {
        _server = server;
        _native = TestChannels.Native(server);
        _grpcWeb = TestChannels.GrpcWeb(server);
        _http = new HttpClient { BaseAddress = server.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        Native = new Reporter.ReporterClient(_native);
        GrpcWeb = new Reporter.ReporterClient(_grpcWeb);
    }

    /// <summary>Native gRPC over HTTP/2 on the gRPC port.</summary>
    public Reporter.ReporterClient Native { get; }

    /// <summary>gRPC-Web over HTTP/1.1 on the HTTP port, as the standard-library add-on talks.</summary>
    public Reporter.ReporterClient GrpcWeb { get; }

    public GrpcChannel NativeChannel => _native;

    public HttpClient Http => _http;

    public ServerProcess Server => _server;

    public static ReportRequest Report(string host, string instance = "0", ulong sequence = 1, string session = "session-1",
        bool rendering = false) => new()
    {
        Host = host,
        Instance = instance,
        SessionId = session,
        Sequence = sequence,
        State = rendering ? RenderState.Rendering : RenderState.Idle,
        BlenderVersion = "3.4.1",
        AddonVersion = "1.0.0",
        Engine = "CYCLES",
        Scene = "Scene",
        BlendFile = "shot010.blend",
        CurrentFrame = 1,
    };

    public async Task<string> ScrapeTextAsync()
    {
        using var response = await _http.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public async Task<Exposition> ScrapeAsync() => Exposition.Parse(await ScrapeTextAsync());

    /// <summary>Every sample labelled with this host, for before/after comparisons.</summary>
    public async Task<string[]> SeriesOfHostAsync(string host)
    {
        var scrape = await ScrapeAsync();
        return [.. scrape.Samples.Where(s => s.Label("host") == host)
            .Select(s => $"{s.Name}{{{string.Join(",", s.Labels.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}"))}}} {s.Value}")
            .Order()];
    }

    /// <summary>Polls the metrics until <paramref name="condition"/> holds or the deadline passes.</summary>
    public async Task<Exposition> ScrapeUntilAsync(Func<Exposition, bool> condition, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var scrape = await ScrapeAsync();
            if (condition(scrape))
            {
                return scrape;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"condition not met within {deadline}");
            }

            await Task.Delay(50);
        }
    }

    public static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };

    public void Dispose()
    {
        _native.Dispose();
        _grpcWeb.Dispose();
        _http.Dispose();
    }
}
