using System.Runtime.CompilerServices;

namespace RenderFarm.Server.Registry;

/// <summary>
/// The registry's record of one instance for as long as it is known, updated in place under
/// its own lock. A report therefore leaves nothing behind that outlives its call: an object
/// per report would live one heartbeat, long enough to be promoted, and at farm scale the
/// GC would spend its time on them. Readers copy a consistent <see cref="InstanceEntry"/> out.
/// </summary>
/// <remarks>
/// A record is retired (under its lock) before it leaves the registry, by expiry or sign-off,
/// and a retired record takes no report: one that races with the removal goes to a new record.
/// </remarks>
internal sealed class InstanceRecord
{
    private readonly Lock _gate = new();
    // The latest report and when it came, kept as readers see it: a scrape reads it in place (see Read<TState>).
    private InstanceEntry _entry;
    private RetiredSessions? _retiredSessions;
    // The most the current session ever claimed, where that is more than its latest report claims (a faulty or hostile
    // client moved a count down): null while the latest report holds the marks, as an honest client's always does.
    private StrongBox<SessionClaims>? _highWater;
    private bool _retired;

    public InstanceRecord(InstanceKey key, in InstanceReport report, long timestamp, DateTimeOffset now, TextPool texts, HostRecord hostRecord,
        bool stalled = false)
    {
        Key = key;
        HostRecord = hostRecord;
        _entry = new InstanceEntry(key, report.WithTextsOf(default, texts) with { Host = key.Host, Instance = key.Instance }, timestamp, now,
            stalled);
    }

    public InstanceKey Key { get; }

    /// <summary>The totals of the instance's host, which its frames add to.</summary>
    public HostRecord HostRecord { get; }

    /// <summary>What the first report added: everything its session counted so far.</summary>
    public SessionProgress FirstProgress
    {
        get
        {
            lock (_gate)
            {
                return SessionProgress.Beyond(default, SessionClaims.Of(_entry.Report), _entry.Report.FrameSecondsBuckets is not null);
            }
        }
    }

    /// <summary>
    /// What the exposition keeps of this instance between scrapes (its encoded label text). The registry
    /// only holds it, so that it lives and goes with the instance; what it is and when it is out of date
    /// is the exposition's business.
    /// </summary>
    public object? ScrapeCache { get; set; }

    /// <summary>
    /// The render state alone, read without the lock (the scrape writes it first, for every
    /// instance): one byte cannot be torn, and a report racing with the read shows or not.
    /// </summary>
    public bool Rendering => _entry.Report.Rendering;

    /// <summary>Stalled as of the last report, read without the lock as <see cref="Rendering"/> is.</summary>
    public bool Stalled => _entry.Stalled;

    /// <summary>
    /// When the last report came (<see cref="TimeProvider.GetTimestamp"/>), read without the lock as
    /// <see cref="Rendering"/> is: an aligned long is read whole, and a racing report shows or not.
    /// </summary>
    public long LastSeenTimestamp => _entry.LastSeenTimestamp;

    public InstanceEntry Read()
    {
        lock (_gate)
        {
            return _entry;
        }
    }

    /// <summary>
    /// Hands the entry to <paramref name="reader"/> in place, under the record's lock, rather than copying it out: a
    /// scrape reads every record, and copying a report with its references cost as much as writing its text. The
    /// reader must be quick and must not keep the reference.
    /// </summary>
    public void Read<TState>(TState state, EntryReader<TState> reader)
    {
        lock (_gate)
        {
            reader(state, this, in _entry);
        }
    }

    /// <param name="replaced">The report of the session this one replaced while it was rendering (a lost render), else null.</param>
    /// <param name="progress">What the report added to its session's frames and renders, when applied.</param>
    /// <param name="stalled">Whether the report shows a stalled render (judged by the registry's <see cref="StallRule"/>).</param>
    public RecordUpdate Apply(in InstanceReport report, long timestamp, DateTimeOffset now, TextPool texts, bool stalled,
        out InstanceReport? replaced, out SessionProgress progress)
    {
        replaced = null;
        progress = default;
        lock (_gate)
        {
            if (_retired)
            {
                return RecordUpdate.Retired;
            }

            var previous = _entry.Report;
            var sameSession = previous.SessionId == report.SessionId;
            if (sameSession)
            {
                if (report.Sequence <= previous.Sequence)
                {
                    return RecordUpdate.Stale;
                }
            }
            else if (_retiredSessions?.Contains(report.SessionId) == true)
            {
                // A late report from a Blender process that was replaced: its successor stays.
                return RecordUpdate.Stale;
            }
            else
            {
                (_retiredSessions ??= new RetiredSessions()).Add(previous.SessionId);
                if (previous.Rendering)
                {
                    replaced = previous;
                }
            }

            // Strings that did not change stay the ones already stored, so the request's copies die
            // young; changed free text is the copy other instances share.
            var stored = report.WithTextsOf(previous, texts) with
            {
                Host = previous.Host,
                Instance = previous.Instance,
                SessionId = Kept(previous.SessionId, report.SessionId),
            };

            _entry = new InstanceEntry(Key, stored, timestamp, now, stalled);
            progress = Progress(sameSession, previous, stored);
            return RecordUpdate.Applied;
        }
    }

    /// <summary>Starts the TTL again at <paramref name="timestamp"/>.</summary>
    public void Renew(long timestamp)
    {
        lock (_gate)
        {
            _entry = new InstanceEntry(Key, _entry.Report, timestamp, _entry.LastSeen, _entry.Stalled);
        }
    }

    /// <summary>Retires the record if its last report is at least <paramref name="ttl"/> old at <paramref name="now"/>.</summary>
    public bool RetireIfExpired(TimeProvider timeProvider, long now, TimeSpan ttl)
    {
        lock (_gate)
        {
            if (_retired || timeProvider.GetElapsedTime(_entry.LastSeenTimestamp, now) < ttl)
            {
                return false;
            }

            return _retired = true;
        }
    }

    /// <summary>Retires the record if <paramref name="sessionId"/> is the session it holds.</summary>
    public bool RetireIfSession(string sessionId)
    {
        lock (_gate)
        {
            if (_retired || !string.Equals(_entry.Report.SessionId, sessionId, StringComparison.Ordinal))
            {
                return false;
            }

            return _retired = true;
        }
    }

    /// <summary>What <paramref name="stored"/> adds beyond the session's marks; moves the marks. Under the lock.</summary>
    private SessionProgress Progress(bool sameSession, in InstanceReport previous, in InstanceReport stored)
    {
        var framesChanged = !ReferenceEquals(previous.FrameSecondsBuckets, stored.FrameSecondsBuckets);
        if (!sameSession)
        {
            _highWater = null;
            return SessionProgress.Beyond(default, SessionClaims.Of(stored), stored.FrameSecondsBuckets is not null);
        }

        // A heartbeat: nothing that counts changed (the stored buckets array is kept while they do not).
        if (!framesChanged && _highWater is null && previous.FrameSecondsSum == stored.FrameSecondsSum
            && previous.RendersCompleted == stored.RendersCompleted && previous.RendersCancelled == stored.RendersCancelled
            && previous.RendersFailed == stored.RendersFailed)
        {
            return default;
        }

        var high = _highWater?.Value ?? SessionClaims.Of(previous);
        var claims = SessionClaims.Of(stored);
        var progress = SessionProgress.Beyond(high, claims, framesChanged && stored.FrameSecondsBuckets is not null);
        if (claims.Covers(high))
        {
            _highWater = null;
        }
        else
        {
            (_highWater ??= new StrongBox<SessionClaims>()).Value = SessionClaims.Max(high, claims);
        }

        return progress;
    }

    private static string Kept(string stored, string reported) =>
        string.Equals(stored, reported, StringComparison.Ordinal) ? stored : reported;
}

/// <summary>Reads an instance's entry in place (see <see cref="InstanceRecord.Read{TState}"/>).</summary>
internal delegate void EntryReader<in TState>(TState state, InstanceRecord record, in InstanceEntry entry);

internal enum RecordUpdate
{
    Applied,
    Stale,

    /// <summary>The record left the registry meanwhile: the report belongs in a new one.</summary>
    Retired,
}
