using System.Globalization;

namespace RenderFarm.IntegrationTests;

/// <summary>The faster exposition must write exactly the text it wrote before: each value as .NET's "R" format.</summary>
/// <remarks>
/// Through the real server, up to the largest values it stores (see ReportRules: a billion frames a session, a frame
/// of 1e7 s); the writer itself is checked at every magnitude of a double in the unit tests (ExpositionValueTextTests).
/// </remarks>
public class ExpositionValueTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData(0UL, 0.0)]
    [InlineData(1UL, 0.1)]
    [InlineData(999_999_999UL, 1.0 / 3)]
    [InlineData(1_000_000_000UL, 9_999_999.999)]
    [InlineData(6_442_450UL, 1234567.125)]
    [InlineData(1UL, 1e7)]
    public async Task Values_are_written_as_round_trip_text_at_every_magnitude(ulong count, double seconds)
    {
        var host = $"values-{Guid.NewGuid():N}";
        var report = Farm.Report(host, rendering: true, frame: -7);
        report.FramesRendered = count;
        report.RenderSeconds = seconds;
        report.ResidentMemoryBytes = count;
        report.LastFrameSeconds = seconds;
        report.ProcessCpuSeconds = seconds;

        await fixture.Farm.SendAsync(report);
        var text = await fixture.Farm.ScrapeTextAsync();

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
