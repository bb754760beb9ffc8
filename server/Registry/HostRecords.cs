namespace RenderFarm.Server.Registry;

/// <summary>
/// A <see cref="HostRecord"/> per host that has an instance in the registry or had one within the retention. Hosts
/// join and leave with their instances, which are rare next to reports, so one lock serves both.
/// </summary>
/// <param name="capacity">
/// At most this many hosts are kept: a host outlives its instances by the retention, so a client churning through
/// host names could otherwise grow the table past the instance limit. A host beyond it gets a record of its own that
/// is never listed, and its frames are not exposed until the table has room again.
/// </param>
internal sealed class HostRecords(TimeSpan retention, int capacity, TimeProvider timeProvider)
{
    private readonly Dictionary<string, HostRecord> _hosts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private HostRecord[] _listed = [];
    private bool _changed;

    /// <summary>The host record a new instance of <paramref name="host"/> counts in, from now until <see cref="Leave"/>.</summary>
    public HostRecord Join(string host)
    {
        lock (_gate)
        {
            if (!_hosts.TryGetValue(host, out var record))
            {
                record = new HostRecord(host);
                if (_hosts.Count >= capacity)
                {
                    return record;
                }

                _hosts.Add(host, record);
                _changed = true;
            }

            record.Instances++;
            return record;
        }
    }

    /// <summary>An instance that counted in <paramref name="record"/> left the registry.</summary>
    public void Leave(HostRecord record)
    {
        lock (_gate)
        {
            if (--record.Instances == 0)
            {
                record.EmptySince = timeProvider.GetTimestamp();
            }
        }
    }

    /// <summary>Forgets the hosts without an instance for the retention.</summary>
    public void RemoveExpired()
    {
        var now = timeProvider.GetTimestamp();
        lock (_gate)
        {
            List<string>? gone = null;
            foreach (var record in _hosts.Values)
            {
                if (record.Instances == 0 && timeProvider.GetElapsedTime(record.EmptySince, now) >= retention)
                {
                    (gone ??= []).Add(record.Host);
                }
            }

            foreach (var host in gone ?? [])
            {
                _hosts.Remove(host);
                _changed = true;
            }
        }
    }

    /// <summary>The hosts now, in no particular order; a copy made only when a host joined or left since the last call.</summary>
    public IReadOnlyList<HostRecord> Listed()
    {
        lock (_gate)
        {
            if (_changed)
            {
                _listed = [.. _hosts.Values];
                _changed = false;
            }

            return _listed;
        }
    }
}
