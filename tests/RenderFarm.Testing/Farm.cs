using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using RenderFarm.Contracts.V1;
using Xunit;
using Xunit.Abstractions;

namespace RenderFarm.Testing;

/// <summary>
/// A running server, reached the ways its users reach it: reports as the add-on sends them, /metrics as
/// Prometheus scrapes it, status as people and monitoring read it. Owns the server: disposing stops it.
/// </summary>
public sealed class Farm : IAsyncDisposable
{
    // Every report newer than the one before unless a test says otherwise, so a repeated report is applied, not ignored as stale.
    private static long _sequence;

    private readonly GrpcChannel _grpcWeb;

    public Farm(ServerProcess server)
    {
        Server = server;
        NativeChannel = TestChannels.Native(server);
        _grpcWeb = TestChannels.GrpcWeb(server);
        Http = new HttpClient { BaseAddress = server.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        Native = new Reporter.ReporterClient(NativeChannel);
        GrpcWeb = new Reporter.ReporterClient(_grpcWeb);
        NativeStatus = new FarmStatus.FarmStatusClient(NativeChannel);
        WebStatus = new FarmStatus.FarmStatusClient(_grpcWeb);
    }

    public ServerProcess Server { get; }

    public GrpcChannel NativeChannel { get; }

    public HttpClient Http { get; }

    /// <summary>Reporter over native gRPC (HTTP/2) on the gRPC port.</summary>
    public Reporter.ReporterClient Native { get; }

    /// <summary>Reporter over gRPC-Web (HTTP/1.1) on the HTTP port, as the standard-library add-on talks.</summary>
    public Reporter.ReporterClient GrpcWeb { get; }

    /// <summary>FarmStatus over native gRPC on the gRPC port.</summary>
    public FarmStatus.FarmStatusClient NativeStatus { get; }

    /// <summary>FarmStatus over gRPC-Web on the HTTP port.</summary>
    public FarmStatus.FarmStatusClient WebStatus { get; }

    /// <summary>Starts a server with <paramref name="settings"/> (keys like <c>RenderFarm:InstanceTtl</c>), its log in <paramref name="output"/>.</summary>
    public static async Task<Farm> StartAsync(ITestOutputHelper? output = null, params (string Key, string Value)[] settings) =>
        new(await ServerProcess.StartAsync(settings.ToDictionary(s => s.Key, s => s.Value), output));

    /// <summary>A report that passes validation: an instance of Blender 3.4 with the add-on, idle unless told otherwise.</summary>
    public static ReportRequest Report(string host, string instance = "0", ulong? sequence = null, string session = "session-1",
        bool rendering = false, int frame = 1, (int Start, int End)? job = null)
    {
        var report = new ReportRequest
        {
            Host = host,
            Instance = instance,
            SessionId = session,
            Sequence = sequence ?? (ulong)Interlocked.Increment(ref _sequence),
            State = rendering ? RenderState.Rendering : RenderState.Idle,
            BlenderVersion = "3.4.1",
            AddonVersion = "1.0.0",
            Engine = "CYCLES",
            Scene = "Scene",
            BlendFile = "/projects/shot010/lighting.blend",
            CurrentFrame = frame,
        };
        if (job is { } range)
        {
            report.JobFrameStart = range.Start;
            report.JobFrameEnd = range.End;
        }

        return report;
    }

    public static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };

    /// <summary>Reports over native gRPC and asserts the server applied it.</summary>
    public async Task SendAsync(ReportRequest report) => Assert.True((await Native.ReportAsync(report)).Applied);

    public async Task<string> ScrapeTextAsync()
    {
        using var response = await Http.GetAsync("/metrics");
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

    /// <summary>GET <paramref name="path"/>: the status code and the body parsed as JSON (throws when it is not JSON).</summary>
    public async Task<(int Status, JsonElement Body, string ContentType)> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return ((int)response.StatusCode, document.RootElement.Clone(), response.Content.Headers.ContentType?.MediaType ?? "");
    }

    public async ValueTask DisposeAsync()
    {
        NativeChannel.Dispose();
        _grpcWeb.Dispose();
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
