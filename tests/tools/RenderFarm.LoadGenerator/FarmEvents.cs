using System.Globalization;

namespace RenderFarm.LoadGenerator;

/// <summary>What happens on the simulated farm, told one line per event, and counted.</summary>
internal sealed class FarmEvents(TextWriter output, TimeProvider time)
{
    private static readonly TimeSpan UnreachableQuiet = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private long _lastUnreachable = long.MinValue;
    private long _frames;
    private long _jobs;
    private long _crashes;
    private long _exits;
    private long _unreachable;

    public long Frames => Interlocked.Read(ref _frames);

    public long Jobs => Interlocked.Read(ref _jobs);

    public long Crashes => Interlocked.Read(ref _crashes);

    public long Exits => Interlocked.Read(ref _exits);

    public long FailedCalls => Interlocked.Read(ref _unreachable);

    public void Started(SimulatedInstance instance, RenderJob job) =>
        Say($"{Name(instance)} starts {job.BlendFile} frames {job.FirstFrame}-{job.LastFrame} ({job.Engine}, ~{job.FrameTime.TotalSeconds:F0} s/frame)");

    public void FrameRendered() => Interlocked.Increment(ref _frames);

    public void Finished(SimulatedInstance instance, RenderJob job)
    {
        Interlocked.Increment(ref _jobs);
        Say($"{Name(instance)} finished {job.BlendFile}");
    }

    public void Crashed(SimulatedInstance instance, RenderJob job)
    {
        Interlocked.Increment(ref _crashes);
        Say($"{Name(instance)} crashed on frame {instance.CurrentFrame} of {job.BlendFile}: no sign-off, the server will expire it");
    }

    public void Exited(SimulatedInstance instance)
    {
        Interlocked.Increment(ref _exits);
        Say($"{Name(instance)} quit Blender cleanly (signed off)");
    }

    public void Unreachable(Exception e)
    {
        Interlocked.Increment(ref _unreachable);
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_lastUnreachable != long.MinValue && time.GetElapsedTime(_lastUnreachable, now) < UnreachableQuiet)
            {
                return;
            }

            _lastUnreachable = now;
        }

        Say($"a call failed ({e.GetType().Name}: {e.Message}); instances keep trying");
    }

    public void Say(string line)
    {
        var stamp = time.GetLocalNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        lock (_lock)
        {
            output.WriteLine($"{stamp} {line}");
        }
    }

    private static string Name(SimulatedInstance instance) => $"{instance.Host}/{instance.Instance}";
}
