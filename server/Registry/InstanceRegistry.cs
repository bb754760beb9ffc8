using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace RenderFarm.Server.Registry;

/// <summary>
/// The one owner of instance state: an entry per (host, instance), replaced whole on
/// every applied report, removed on sign-off or when its TTL runs out. Lock-free; safe
/// for thousands of concurrent reports while a scrape enumerates it.
/// </summary>
public sealed class InstanceRegistry(IOptions<RenderFarmOptions> options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<InstanceKey, InstanceEntry> _entries = new();
    private readonly TimeSpan _ttl = options.Value.InstanceTtl;
    private readonly int _maxInstances = options.Value.MaxInstances;

    // ConcurrentDictionary.Count takes every lock; this is kept beside it instead.
    private int _count;
    private long _expiredTotal;
    private long _signedOffTotal;

    public int Count => Volatile.Read(ref _count);

    public long ExpiredTotal => Interlocked.Read(ref _expiredTotal);

    public long SignedOffTotal => Interlocked.Read(ref _signedOffTotal);

    public TimeSpan Ttl => _ttl;

    /// <summary>The current entries, each a consistent snapshot; no lock is held.</summary>
    public IEnumerable<InstanceEntry> Entries => _entries.Select(pair => pair.Value);

    public InstanceEntry? Find(string host, string instance) =>
        _entries.TryGetValue(new InstanceKey(host, instance), out var entry) ? entry : null;

    public ReportResult Apply(InstanceReport report)
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
            if (_entries.TryGetValue(key, out var current))
            {
                if (current.Report.SessionId == report.SessionId && report.Sequence <= current.Report.Sequence)
                {
                    return new ReportResult(ReportOutcome.Stale);
                }

                var replacement = new InstanceEntry(current.Key, report, timestamp, now, current);
                if (_entries.TryUpdate(key, replacement, current))
                {
                    return new ReportResult(ReportOutcome.Applied);
                }

                continue; // Raced with another report or with expiry: look again.
            }

            if (Interlocked.Increment(ref _count) > _maxInstances)
            {
                Interlocked.Decrement(ref _count);
                return new ReportResult(ReportOutcome.LimitReached,
                    $"the server holds its limit of {_maxInstances} instances (RenderFarm:MaxInstances); known instances keep reporting");
            }

            if (_entries.TryAdd(key, new InstanceEntry(key, report, timestamp, now, previous: null)))
            {
                return new ReportResult(ReportOutcome.Applied);
            }

            Interlocked.Decrement(ref _count);
        }
    }

    public SignOffResult SignOff(string host, string instance, string sessionId)
    {
        var error = ReportRules.IdentityError("host", host)
            ?? ReportRules.IdentityError("instance", instance)
            ?? ReportRules.IdentityError("session_id", sessionId);
        if (error is not null)
        {
            return new SignOffResult(SignOffOutcome.Invalid, error);
        }

        var key = new InstanceKey(host, instance);
        if (_entries.TryGetValue(key, out var current) && current.Report.SessionId == sessionId
            && _entries.TryRemove(KeyValuePair.Create(key, current)))
        {
            Interlocked.Decrement(ref _count);
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
        foreach (var pair in _entries)
        {
            // A report that lands meanwhile renews the entry anyway.
            if (_entries.TryUpdate(pair.Key, pair.Value.Renewed(now), pair.Value))
            {
                renewed++;
            }
        }

        return renewed;
    }

    /// <summary>Removes every instance whose last report is at least one TTL old.</summary>
    /// <returns>The instances removed.</returns>
    public IReadOnlyList<InstanceKey> RemoveExpired()
    {
        var now = timeProvider.GetTimestamp();
        List<InstanceKey>? removed = null;
        foreach (var pair in _entries)
        {
            // Removing the exact entry judged stale leaves one refreshed meanwhile in place.
            if (timeProvider.GetElapsedTime(pair.Value.LastSeenTimestamp, now) >= _ttl && _entries.TryRemove(pair))
            {
                Interlocked.Decrement(ref _count);
                Interlocked.Increment(ref _expiredTotal);
                (removed ??= []).Add(pair.Key);
            }
        }

        return removed ?? (IReadOnlyList<InstanceKey>)[];
    }
}
