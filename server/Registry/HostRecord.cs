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
    private readonly Lock _gate = new();

    // Frames per bucket (not cumulative): a faulty report can then only add to buckets, never make them decrease.
    private readonly ulong[] _counts = new ulong[FrameTimes.BucketCount];
    private double _sum;
    private int _version;
    private bool _counting;

    public string Host { get; } = host;

    /// <summary>Instances of the host in the registry; maintained by <see cref="HostRecords"/> under its lock.</summary>
    internal int Instances { get; set; }

    /// <summary>When the last instance left (<see cref="TimeProvider.GetTimestamp"/>); meaningful while <see cref="Instances"/> is 0.</summary>
    internal long EmptySince { get; set; }

    /// <summary>
    /// True once a session of the host sent frame times, the first time at zero when its first render began: the series
    /// then exist before the first frame finishes, so that frame counts in <c>rate()</c>.
    /// </summary>
    public bool Counting => Volatile.Read(ref _counting);

    /// <summary>Changes whenever the totals do, so a reader can keep what it made of them until then.</summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>What the exposition keeps of this host between scrapes; see <see cref="InstanceRecord.ScrapeCache"/>.</summary>
    public object? ScrapeCache { get; set; }

    /// <summary>Adds the frames a session finished since its previous report.</summary>
    public void Add(in SessionProgress progress)
    {
        if (!progress.AddsFrames)
        {
            return;
        }

        var (from, to) = (progress.FromBuckets, progress.ToBuckets!);
        lock (_gate)
        {
            _counting = true;
            ulong below = 0, belowBefore = 0;
            for (var b = 0; b < _counts.Length; b++)
            {
                // Reports carry cumulative buckets: a bucket's own frames are its count less the one below.
                var now = to[b] - below;
                var before = from is null ? 0 : from[b] - belowBefore;
                (below, belowBefore) = (to[b], from is null ? 0 : from[b]);
                if (now > before)
                {
                    _counts[b] = ulong.MaxValue - _counts[b] < now - before ? ulong.MaxValue : _counts[b] + now - before;
                }
            }

            _sum += Math.Max(0, progress.ToSum - progress.FromSum);
            _version++;
        }
    }

    /// <summary>The totals as a histogram exposes them: cumulative bucket counts (the last one is every frame) and the sum of seconds.</summary>
    public (ulong[] Buckets, double Sum, int Version) Read()
    {
        lock (_gate)
        {
            var buckets = new ulong[_counts.Length];
            ulong total = 0;
            for (var b = 0; b < _counts.Length; b++)
            {
                total = ulong.MaxValue - total < _counts[b] ? ulong.MaxValue : total + _counts[b];
                buckets[b] = total;
            }

            return (buckets, _sum, _version);
        }
    }
}
