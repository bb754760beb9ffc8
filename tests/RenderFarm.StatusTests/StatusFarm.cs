using System.Text.Json;
using Grpc.Net.Client;
using RenderFarm.Contracts.V1;
using RenderFarm.Testing;

namespace RenderFarm.StatusTests;

/// <summary>Talks to a running server: reports as the add-on does, reads status as users do.</summary>
public sealed class StatusFarm : IDisposable
{
    private readonly GrpcChannel _native;
    private readonly GrpcChannel _grpcWeb;

    public StatusFarm(ServerProcess server)
    {
        Server = server;
        _native = TestChannels.Native(server);
        _grpcWeb = TestChannels.GrpcWeb(server);
        Http = new HttpClient { BaseAddress = server.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        Reporter = new Reporter.ReporterClient(_native);
        NativeStatus = new FarmStatus.FarmStatusClient(_native);
        WebStatus = new FarmStatus.FarmStatusClient(_grpcWeb);
    }

    public ServerProcess Server { get; }

    public HttpClient Http { get; }

    public Reporter.ReporterClient Reporter { get; }

    /// <summary>FarmStatus over native gRPC on the gRPC port.</summary>
    public FarmStatus.FarmStatusClient NativeStatus { get; }

    /// <summary>FarmStatus over gRPC-Web on the HTTP port.</summary>
    public FarmStatus.FarmStatusClient WebStatus { get; }

    // Every report newer than the last, so that a repeated report is applied, not ignored as stale.
    private static long _sequence;

    public static ReportRequest Report(string host, string instance = "0", bool rendering = false,
        int frame = 1, (int Start, int End)? job = null)
    {
        var report = new ReportRequest
        {
            Host = host,
            Instance = instance,
            SessionId = "session-1",
            Sequence = (ulong)Interlocked.Increment(ref _sequence),
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

    public async Task SendAsync(ReportRequest report) => Assert.True((await Reporter.ReportAsync(report)).Applied);

    /// <summary>GET <paramref name="path"/>: the status code and the body parsed as JSON (throws when it is not JSON).</summary>
    public async Task<(int Status, JsonElement Body, string ContentType)> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return ((int)response.StatusCode, document.RootElement.Clone(), response.Content.Headers.ContentType?.MediaType ?? "");
    }

    public void Dispose()
    {
        _native.Dispose();
        _grpcWeb.Dispose();
        Http.Dispose();
    }
}
