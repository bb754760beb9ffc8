namespace RenderFarm.Server.Registry;

/// <summary>
/// A <see cref="HostRecord"/> per host that has an instance in the registry or had one within the retention. Hosts
/// join and leave with their instances, which are rare next to reports, so one lock serves both.
/// </summary>
/// <param name="capacity">
/// At most this many hosts are kept: a host outlives its instances by the retention, so a client churning through
/// host names could otherwise grow the table past the instance limit. The capacity is the instance limit, so a host with
/// a live instance always has room: when the table is full, a host without instances makes way, the oldest of the
/// joining writer's own first (see <see cref="Join"/>).
/// </param>
internal sealed class HostRecords(TimeSpan retention, int capacity, TimeProvider timeProvider)
{
    // Reports written without a token (none configured) come from one writer.
    private static readonly object Anyone = new();

    private readonly Dictionary<string, HostRecord> _hosts = new(StringComparer.Ordinal);
    // Hosts without an instance per writer, in the order they became empty (so oldest first, and expiry takes the heads).
    private readonly Dictionary<object, LinkedList<HostRecord>> _empty = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();
    private HostRecord[] _listed = [];
    private bool _changed;

    /// <summary>The host record a new instance of <paramref name="host"/> counts in, from now until <see cref="Leave"/>.</summary>
    /// <param name="writer">
    /// Who may write for the host (its token's scope; null without tokens). When the table is full, the oldest host
    /// without instances that this writer reported goes first: a token scoped to some hosts, churning through names,
    /// pushes out its own, not another scope's hosts between two of their tasks (only a writer that has no such host
    /// itself takes the place of another's, one at a time).
    /// </param>
    public HostRecord Join(string host, object? writer)
    {
        writer ??= Anyone;
        lock (_gate)
        {
            if (_hosts.TryGetValue(host, out var record))
            {
                Unempty(record);
            }
            else
            {
                record = new HostRecord(host);
                // Hosts with instances are fewer than the instance limit, so there is always one to evict; should there
                // not be, the instance counts in a record of its own that is never listed.
                if (_hosts.Count >= capacity && !EvictFor(writer))
                {
                    return record;
                }

                _hosts.Add(host, record);
                _changed = true;
            }

            record.Writer = writer;
            record.Instances++;
            return record;
        }
    }

    /// <summary>An instance that counted in <paramref name="record"/> left the registry.</summary>
    public void Leave(HostRecord record)
    {
        lock (_gate)
        {
            if (--record.Instances == 0 && _hosts.TryGetValue(record.Host, out var listed) && listed == record)
            {
                record.EmptySince = timeProvider.GetTimestamp();
                var writer = record.Writer ?? Anyone;
                if (!_empty.TryGetValue(writer, out var empties))
                {
                    _empty.Add(writer, empties = new LinkedList<HostRecord>());
                }

                record.EmptyNode = empties.AddLast(record);
            }
        }
    }

    /// <summary>Forgets the hosts without an instance for the retention.</summary>
    public void RemoveExpired()
    {
        var now = timeProvider.GetTimestamp();
        lock (_gate)
        {
            List<HostRecord>? gone = null;
            foreach (var empties in _empty.Values)
            {
                for (var node = empties.First; node is not null && timeProvider.GetElapsedTime(node.Value.EmptySince, now) >= retention; node = node.Next)
                {
                    (gone ??= []).Add(node.Value);
                }
            }

            foreach (var record in gone ?? [])
            {
                Forget(record);
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

    /// <summary>
    /// Makes room for a host of <paramref name="writer"/>: its own oldest host without instances; when it has none, the
    /// oldest of the writer holding the most (a writer churning through names, whose turn it is to pay).
    /// </summary>
    private bool EvictFor(object writer)
    {
        if (!_empty.TryGetValue(writer, out var empties))
        {
            foreach (var candidate in _empty.Values)
            {
                if (empties is null || candidate.Count > empties.Count)
                {
                    empties = candidate;
                }
            }
        }

        if (empties?.First is not { } oldest)
        {
            return false;
        }

        Forget(oldest.Value);
        return true;
    }

    private void Forget(HostRecord record)
    {
        Unempty(record);
        _hosts.Remove(record.Host);
        _changed = true;
    }

    private void Unempty(HostRecord record)
    {
        if (record.EmptyNode is { } node)
        {
            var empties = node.List!;
            empties.Remove(node);
            record.EmptyNode = null;
            if (empties.Count == 0)
            {
                // Its writer has not changed since it became empty: Join sets it after this.
                _empty.Remove(record.Writer ?? Anyone);
            }
        }
    }
}
