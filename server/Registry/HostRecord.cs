namespace RenderFarm.Server.Registry;

/// <summary>
/// The frames rendered on one host by render time, over all its Blender processes, live and departed, since the server
/// first saw the host. Render managers start a Blender per task or chunk, and a process that ends takes its own series
/// with it; a host's totals outlive them, so frame-time quantiles and throughput hold on a farm of short-lived processes.
/// </summary>
/// <remarks>
/// The record stays while the host has an instance, and for <see cref="RenderFarmOptions.HostRetention"/> after its
/// last one left (the gap between two tasks), then goes: cloud burst nodes have throw-away host names.
/// </remarks>
internal sealed class HostRecord(string host)
{
    // Frames per bucket (not cumulative): a faulty report can then only add to buckets, never make them decrease.
    // Inline, and the record its own lock: with throw-away host names there can be a record per instance, and a
    // separate array and lock object would each cost as much again.
    private FrameCounts _counts;
    private double _sum;
    private int _version;
    private bool _counting;

    public string Host { get; } = host;

    /// <summary>Instances of the host in the registry; maintained by <see cref="HostRecords"/> under its lock.</summary>
    internal int Instances { get; set; }

    /// <summary>When the last instance left (<see cref="TimeProvider.GetTimestamp"/>); meaningful while <see cref="Instances"/> is 0.</summary>
    internal long EmptySince { get; set; }

    /// <summary>Who reported the host's latest instance (see <see cref="HostRecords.Join"/>); maintained by <see cref="HostRecords"/>.</summary>
    internal object? Writer { get; set; }

    /// <summary>Its place among its writer's hosts without an instance, oldest first; null while it has instances.</summary>
    internal LinkedListNode<HostRecord>? EmptyNode { get; set; }

    /// <summary>
    /// True once a session of the host sent frame times, the first time at zero when its first render began: the series
    /// then exist before the first frame finishes, so that frame counts in <c>rate()</c>.
    /// </summary>
    public bool Counting => Volatile.Read(ref _counting);

    /// <summary>Changes whenever the totals do, so a reader can keep what it made of them until then.</summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>Adds the frames a session finished beyond what it claimed before.</summary>
    public void Add(in SessionProgress progress)
    {
        if (!progress.ReportsFrames)
        {
            return;
        }

        lock (this)
        {
            _counting = true;
            for (var b = 0; b < FrameTimes.BucketCount; b++)
            {
                var added = progress.Frames[b];
                _counts[b] = ulong.MaxValue - _counts[b] < added ? ulong.MaxValue : _counts[b] + added;
            }

            _sum += progress.Seconds;
            _version++;
        }
    }

    /// <summary>
    /// The upper bound of the bucket that holds the host's 95th-percentile frame, in seconds; null before
    /// <see cref="MinFramesForP95"/> frames, and when it lies beyond the last bound (no bound to hold a frame to).
    /// </summary>
    public double? FrameSecondsP95()
    {
        lock (this)
        {
            // In doubles: counts saturate at ulong.MaxValue (see Add), and their sum must not wrap.
            double total = 0;
            for (var b = 0; b < FrameTimes.BucketCount; b++)
            {
                total += _counts[b];
            }

            if (total < MinFramesForP95)
            {
                return null;
            }

            double below = 0;
            for (var b = 0; b < FrameTimes.Bounds.Length; b++)
            {
                below += _counts[b];
                if (below >= 0.95 * total)
                {
                    return FrameTimes.Bounds[b];
                }
            }

            return null;
        }
    }

    /// <summary>Frames a host must have rendered before its frame times bound how long a frame may take.</summary>
    public const ulong MinFramesForP95 = 10;

    /// <summary>The totals as a histogram exposes them: cumulative bucket counts (the last one is every frame) and the sum of seconds.</summary>
    /// <param name="buckets">Receives the cumulative counts, <see cref="FrameTimes.BucketCount"/> of them.</param>
    public (double Sum, int Version) Read(Span<ulong> buckets)
    {
        lock (this)
        {
            ulong total = 0;
            for (var b = 0; b < FrameTimes.BucketCount; b++)
            {
                total = ulong.MaxValue - total < _counts[b] ? ulong.MaxValue : total + _counts[b];
                buckets[b] = total;
            }

            return (_sum, _version);
        }
    }
}
