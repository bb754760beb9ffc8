using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Queries;

/// <summary>The frame an instance renders now: when it started, when Blender last showed progress in it, and how far it is
/// where Blender tells its samples.</summary>
/// <param name="Progress">Samples done over samples in all, 0 to 1; null where Blender does not tell them (3.x).</param>
public sealed record FrameStatus(DateTimeOffset StartedAt, DateTimeOffset ProgressAt, uint? SamplesDone, uint? SamplesTotal, double? Progress)
{
    /// <summary>The report's frame under way, its ages taken from when the report was applied; null between frames.</summary>
    public static FrameStatus? Of(in InstanceReport report, DateTimeOffset lastSeen)
    {
        if (report.FrameElapsedSeconds is not { } elapsed)
        {
            return null;
        }

        return new FrameStatus(Before(lastSeen, elapsed), Before(lastSeen, report.ProgressAgeSeconds ?? elapsed),
            report.FrameSamplesDone, report.FrameSamplesTotal, report.FrameProgress);
    }

    private static DateTimeOffset Before(DateTimeOffset at, double seconds) => at - TimeSpan.FromMilliseconds(Math.Round(seconds * 1000));
}
