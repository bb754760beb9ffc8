using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Queries;

/// <summary>The frame an instance renders now: when it started, when Blender last showed progress in it, and how far it is
/// where Blender tells its samples.</summary>
/// <param name="Progress">Samples done over samples in all, 0 to 1; null where Blender does not tell them (3.x).</param>
public sealed record FrameStatus(DateTimeOffset StartedAt, DateTimeOffset ProgressAt, uint? SamplesDone, uint? SamplesTotal, double? Progress)
{
    /// <summary>The entry's frame under way; null between frames.</summary>
    public static FrameStatus? Of(in InstanceEntry entry) =>
        entry.FrameStartedAt is { } started
            ? new FrameStatus(started, entry.ProgressAt ?? started, entry.Report.FrameSamplesDone, entry.Report.FrameSamplesTotal,
                entry.Report.FrameProgress)
            : null;
}
