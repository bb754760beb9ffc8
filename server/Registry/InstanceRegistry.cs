using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace RenderFarm.Server.Registry;

/// <summary>
/// The one owner of instance state: a record per (host, instance), updated in place by every
/// applied report, removed on sign-off or when its TTL runs out. Safe for thousands of
/// concurrent reports while a scrape reads it: reports to known instances share no lock,
/// and new instances are added one at a time.
/// </summary>
public sealed class InstanceRegistry(IOptions<RenderFarmOptions> options, TimeProvider timeProvider)
{
    private readonly LostRenders _lostRenders = new(options.Value.LostRenderRetention, timeProvider);
    private readonly HostRecords _hosts = new(options.Value.HostRetention, options.Value.MaxInstances, timeProvider);
    private readonly ConcurrentDictionary<InstanceKey, InstanceRecord> _records = new();
    private readonly Lock _addGate = new();
    private readonly TextPool _texts = new();
    private readonly StallRule _stalls = new(options.Value.StallAfter);
    private readonly TimeSpan _ttl = options.Value.InstanceTtl;
    private readonly int _maxInstances = options.Value.MaxInstances;

    // ConcurrentDictionary.Count takes every lock; this is kept beside it instead.
    private int _count;
    private long _expiredTotal;
    private long _signedOffTotal;
    private long _rendersCompleted;
    private long _rendersCancelled;
    private long _rendersFailed;

    public int Count => Volatile.Read(ref _count);

    public long ExpiredTotal => Interlocked.Read(ref _expiredTotal);

    public long SignedOffTotal => Interlocked.Read(ref _signedOffTotal);

    public TimeSpan Ttl => _ttl;

    /// <summary>Renders that ran to the end on the farm since the server started, whichever process rendered them.</summary>
    public long RendersCompleted => Interlocked.Read(ref _rendersCompleted);

    /// <summary>Renders cancelled on the farm since the server started.</summary>
    public long RendersCancelled => Interlocked.Read(ref _rendersCancelled);

    /// <summary>Renders that ended neither completed nor cancelled on the farm since the server started.</summary>
    public long RendersFailed => Interlocked.Read(ref _rendersFailed);

    /// <summary>Frame times per host, over its processes live and departed (see <see cref="HostRecord"/>).</summary>
    internal IReadOnlyList<HostRecord> Hosts => _hosts.Listed();

    /// <summary>Renders whose Blender went away without saying so, or said they failed, recently (see <see cref="LostRender"/>).</summary>
    public LostRenders LostRenders => _lostRenders;

    /// <summary>The current entries, each a consistent copy; no lock is held between them.</summary>
    public IEnumerable<InstanceEntry> Entries => _records.Select(pair => pair.Value.Read());

    /// <summary>The records themselves, for the scrape: it reads each one once, without a copy on the heap.</summary>
    internal IEnumerable<InstanceRecord> Records => _records.Select(pair => pair.Value);

    public InstanceEntry? Find(string host, string instance) =>
        _records.TryGetValue(new InstanceKey(host, instance), out var record) ? record.Read() : null;

    /// <param name="report">The report, as the add-on sent it.</param>
    /// <param name="writer">
    /// Who wrote it, as far as the server can tell (the scope of the token presented, or null): hosts a writer churns
    /// through make way for each other before they make way for anyone else's (see <see cref="HostRecords.Join"/>).
    /// </param>
    public ReportResult Apply(in InstanceReport report, object? writer = null)
    {
        if (ReportRules.Validate(report) is { } error)
        {
            return new ReportResult(ReportOutcome.Invalid, error);
        }

        var key = new InstanceKey(report.Host, report.Instance);
        var timestamp = timeProvider.GetTimestamp();
        var now = timeProvider.GetUtcNow();
        while (true)
        {
            if (_records.TryGetValue(key, out var record))
            {
                switch (record.Apply(report, timestamp, now, _texts, _stalls.Stalled(report, record.HostRecord), out var replaced, out var progress))
                {
                    case RecordUpdate.Applied:
                        if (replaced is { } lost)
                        {
                            _lostRenders.Add(LostOf(lost, now, LostRenderCause.Replaced));
                        }

                        CountProgress(record, progress, report, now);
                        return new ReportResult(ReportOutcome.Applied);
                    case RecordUpdate.Stale:
                        return new ReportResult(ReportOutcome.Stale);
                    default:
                        // Expired or signed off just now: out of the way (whoever retired it may
                        // not have removed it yet), then into a new record.
                        _records.TryRemove(KeyValuePair.Create(key, record));
                        continue;
                }
            }

            // New instances are rare next to reports, and added one at a time: two first reports
            // of one instance must not both count against the limit and turn a third away.
            lock (_addGate)
            {
                if (!_records.ContainsKey(key))
                {
                    if (Count >= _maxInstances)
                    {
                        return new ReportResult(ReportOutcome.LimitReached,
                            $"the server holds its limit of {_maxInstances} instances (RenderFarm:MaxInstances); known instances keep reporting");
                    }

                    var host = _hosts.Join(key.Host, writer);
                    var added = new InstanceRecord(key, report, timestamp, now, _texts, host, _stalls.Stalled(report, host));
                    _records[key] = added;
                    Interlocked.Increment(ref _count);
                    _lostRenders.Withdraw(report.Host, report.Instance, report.SessionId);
                    CountProgress(added, added.FirstProgress, report, now);
                    return new ReportResult(ReportOutcome.Applied);
                }
            }

            // Another report of the same instance added it first: this one goes to that record.
        }
    }

    public SignOffResult SignOff(string host, string instance, string sessionId)
    {
        var error = IdentityRules.Error("host", host)
            ?? IdentityRules.Error("instance", instance)
            ?? IdentityRules.Error("session_id", sessionId);
        if (error is not null)
        {
            return new SignOffResult(SignOffOutcome.Invalid, error);
        }

        var key = new InstanceKey(host, instance);
        if (_records.TryGetValue(key, out var record) && record.RetireIfSession(sessionId))
        {
            Remove(key, record);
            Interlocked.Increment(ref _signedOffTotal);
            return new SignOffResult(SignOffOutcome.Removed);
        }

        return new SignOffResult(SignOffOutcome.NotFound);
    }

    /// <summary>
    /// Starts every instance's TTL again now. For when time itself cannot be trusted (the
    /// clock jumped, or the process was paused): better to keep the dead one TTL longer than
    /// to expire the whole farm at once.
    /// </summary>
    /// <returns>The instances renewed.</returns>
    public int RenewAll()
    {
        var now = timeProvider.GetTimestamp();
        var renewed = 0;
        foreach (var pair in _records)
        {
            pair.Value.Renew(now);
            renewed++;
        }

        return renewed;
    }

    /// <summary>Removes every instance whose last report is at least one TTL old.</summary>
    /// <returns>The instances removed.</returns>
    public IReadOnlyList<InstanceKey> RemoveExpired()
    {
        var now = timeProvider.GetTimestamp();
        List<InstanceKey>? removed = null;
        foreach (var pair in _records)
        {
            // Judged and retired under the record's lock: a report that lands first keeps it.
            if (pair.Value.RetireIfExpired(timeProvider, now, _ttl))
            {
                // Counted and listed before it leaves: a scrape in between must not see it gone but not yet expired or lost.
                var last = pair.Value.Read(); // retired: no report changes it any more
                if (last.Report.Rendering)
                {
                    _lostRenders.Add(LostOf(last.Report, timeProvider.GetUtcNow(), LostRenderCause.Expired));
                }

                Interlocked.Increment(ref _expiredTotal);
                Remove(pair.Key, pair.Value);
                (removed ??= []).Add(pair.Key);
            }
        }

        _hosts.RemoveExpired();
        return removed ?? (IReadOnlyList<InstanceKey>)[];
    }

    /// <summary>Adds what a report added to its session to its host's frame times and the farm's renders, and lists a render
    /// it says failed.</summary>
    private void CountProgress(InstanceRecord record, in SessionProgress progress, in InstanceReport report, DateTimeOffset now)
    {
        record.HostRecord.Add(progress);

        // At most ReportRules.MaxSessionCount each: a long holds any sum of them.
        if (progress.Completed > 0)
        {
            Interlocked.Add(ref _rendersCompleted, (long)progress.Completed);
        }

        if (progress.Cancelled > 0)
        {
            Interlocked.Add(ref _rendersCancelled, (long)progress.Cancelled);
        }

        if (progress.Failed > 0)
        {
            Interlocked.Add(ref _rendersFailed, (long)progress.Failed);
            // One entry for the latest: a report says why the last of its failed renders failed, not each one's reason.
            _lostRenders.Add(LostOf(report, now, LostRenderCause.Failed) with { Reason = report.RenderFailure });
        }
    }

    private static LostRender LostOf(in InstanceReport report, DateTimeOffset at, LostRenderCause cause) =>
        new(report.Host, report.Instance, report.RenderJob, report.BlendFile, report.CurrentFrame, at, cause, report.SessionId);

    /// <summary>Takes a record its caller retired out of the registry; only the retiring caller counts it.</summary>
    private void Remove(InstanceKey key, InstanceRecord record)
    {
        _records.TryRemove(KeyValuePair.Create(key, record));
        Interlocked.Decrement(ref _count);
        _hosts.Leave(record.HostRecord);
    }
}
