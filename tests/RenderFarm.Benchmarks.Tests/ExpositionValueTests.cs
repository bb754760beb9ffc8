using System.Globalization;
using Grpc.Net.Client;
using RenderFarm.Contracts.V1;
using RenderFarm.Testing;

namespace RenderFarm.Benchmarks.Tests;

/// <summary>The faster exposition must write exactly the text it wrote before: each value as .NET's "R" format.</summary>
public class ExpositionValueTests(SharedServer shared) : IClassFixture<SharedServer>
{
    [Theory]
    [InlineData(0UL, 0.0)]
    [InlineData(1UL, 0.1)]
    [InlineData(999_999_999_999_999UL, 1.0 / 3)]
    [InlineData(1_000_000_000_000_000UL, 1e15)]
    [InlineData(ulong.MaxValue, 123456789.125)]
    [InlineData(6_442_450_944UL, 1e20)]
    public async Task Values_are_written_as_round_trip_text_at_every_magnitude(ulong count, double seconds)
    {
        var server = shared.Server;
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var client = new Reporter.ReporterClient(channel);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        var host = $"values-{Guid.NewGuid():N}";

        await client.ReportAsync(new ReportRequest
        {
            Host = host, Instance = "0", SessionId = "s", Sequence = 1, State = RenderState.Rendering,
            CurrentFrame = -7, FramesRendered = count, RenderSeconds = seconds, ResidentMemoryBytes = count,
            LastFrameSeconds = seconds, ProcessCpuSeconds = seconds,
        });
        var text = await http.GetStringAsync("/metrics");

        var lines = text.Split('\n');
        string Line(string name) => Assert.Single(lines, l => l.StartsWith($"{name}{{host=\"{host}\"", StringComparison.Ordinal));
        string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        Assert.EndsWith(" " + R(count), Line("blender_frames_rendered_total"), StringComparison.Ordinal);
        Assert.EndsWith(" " + R(count), Line("blender_process_resident_memory_bytes"), StringComparison.Ordinal);
        Assert.EndsWith(" " + R(seconds), Line("blender_render_seconds_total"), StringComparison.Ordinal);
        Assert.EndsWith(" " + R(seconds), Line("blender_last_frame_seconds"), StringComparison.Ordinal);
        Assert.EndsWith(" -7", Line("blender_current_frame"), StringComparison.Ordinal);
        Assert.EndsWith(" 1", Line("Blender_Render"), StringComparison.Ordinal);
        Assert.Equal(seconds, Exposition.Parse(text).Instance("blender_process_cpu_seconds_total", host, "0"));
    }
}

/// <summary>One server for a test class whose tests use distinct host names.</summary>
public sealed class SharedServer : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
