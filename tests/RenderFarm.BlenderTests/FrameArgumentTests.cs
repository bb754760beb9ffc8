namespace RenderFarm.BlenderTests;

/// <summary>
/// Render managers start Blender for a chunk of a job (<c>blender -b shot.blend -f 2..3</c>, Flamenco's form) or for
/// one frame (<c>-f 4</c>), not for the scene's whole range: the job's frame range on /metrics, which progress and
/// ETA are computed from, is the frames that <c>-f</c> names.
/// </summary>
public class FrameArgumentTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    /// <summary>The scene's own range is 1 to 5: a range read from the scene instead of the command line shows.</summary>
    private const int SceneFrames = 5;
    private const int Samples = 16;
    private static readonly TimeSpan BlenderDeadline = TimeSpan.FromSeconds(90);

    /// <summary>Every version with a chunk and a single frame: the frames argument, and the job's first and last frame.</summary>
    public static TheoryData<string, string, int, int> VersionsAndFrames
    {
        get
        {
            var data = new TheoryData<string, string, int, int>();
            foreach (var version in BlenderVersion.Matrix)
            {
                data.Add(version.Name, "2..3", 2, 3);
                data.Add(version.Name, "4", 4, 4);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(VersionsAndFrames))]
    public async Task The_job_frame_range_is_the_frames_that_f_names_not_the_scenes(string version, string frames, int first, int last)
    {
        var server = fixture.Server;
        using var scraper = new Scraper(server);
        var host = Transport.UniqueHost("frames");
        await using var blender = await BlenderRun.RenderFramesAsync(BlenderVersion.Named(version),
            Transport.ServerSetting(server, Transport.GrpcWeb), host, output, frames, SceneFrames, Samples,
            Transport.Environment(Transport.GrpcWeb));

        await blender.WaitForLineAsync(l => l == "renderfarm-test: waiting", BlenderDeadline);
        var count = last - first + 1;
        // The last frame and the render's end go out as two reports, one right after the other.
        var rendered = await scraper.UntilAsync(s => s.Instance("blender_frames_rendered_total", host, "0") == count
            && s.Instance("Blender_Render", host, "0") == 0, TimeSpan.FromSeconds(5), $"idle with {count} frames reported");
        // What Blender rendered is what the test means: those frames, and no others.
        Assert.Equal(Enumerable.Range(first, count).Select(f => $"frame_{f:D4}.png"), blender.RenderedFrames().Select(Path.GetFileName));
        Assert.Equal(first, rendered.Instance("blender_job_frame_start", host, "0"));
        Assert.Equal(last, rendered.Instance("blender_job_frame_end", host, "0"));

        Assert.Equal(0, await blender.ReleaseAsync(BlenderDeadline));
    }
}
