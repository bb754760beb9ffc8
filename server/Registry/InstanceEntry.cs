namespace RenderFarm.Server.Registry;

/// <summary>
/// One instance as readers see it: its latest report and when it arrived, copied out of its
/// <see cref="InstanceRecord"/> in one piece, so that no field of it is from a different report than another.
/// </summary>
public readonly struct InstanceEntry(InstanceKey key, InstanceReport report, long lastSeenTimestamp, DateTimeOffset lastSeen,
    bool stalled = false)
{
    public InstanceKey Key { get; } = key;

    public InstanceReport Report { get; } = report;

    /// <summary>Monotonic <see cref="TimeProvider.GetTimestamp"/> of the last applied report: drives expiry.</summary>
    public long LastSeenTimestamp { get; } = lastSeenTimestamp;

    /// <summary>Wall-clock time of the last applied report: shown to people.</summary>
    public DateTimeOffset LastSeen { get; } = lastSeen;

    /// <summary>Rendering, and stalled as of its last report (see <see cref="StallRule"/>).</summary>
    public bool Stalled { get; } = stalled;

    /// <summary>When the frame under way started, by the server's clock (the report's age of it before its arrival, to the
    /// millisecond); null between frames.</summary>
    public DateTimeOffset? FrameStartedAt => Before(Report.FrameElapsedSeconds);

    /// <summary>When Blender last showed progress, by the server's clock as <see cref="FrameStartedAt"/>; null when idle.</summary>
    public DateTimeOffset? ProgressAt => Before(Report.ProgressAgeSeconds);

    private DateTimeOffset? Before(double? seconds) =>
        seconds is { } s ? LastSeen - TimeSpan.FromMilliseconds(Math.Round(s * 1000)) : null;
}
