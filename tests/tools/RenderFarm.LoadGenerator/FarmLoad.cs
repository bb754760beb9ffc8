using System.Diagnostics;

namespace RenderFarm.LoadGenerator;

/// <summary>
/// Drives many simulated instances at full speed with a fixed number of calls in flight
/// (a closed loop: each worker starts its next call when the previous one returns).
/// Most calls are heartbeats; some change state, finish frames or sign off and restart.
/// </summary>
public static class FarmLoad
{
    private const int Idle = 0;
    private const int Measuring = 1;
    private const int Stopping = 2;

    /// <summary>Instances named <c>{prefix}-00001</c>/<c>0</c>…, a few per host as on real render nodes.</summary>
    public static SimulatedInstance[] CreateFarm(int count, string hostPrefix = "load", int instancesPerHost = 4, int first = 0) =>
        [.. Enumerable.Range(first, count).Select(i =>
            new SimulatedInstance($"{hostPrefix}-{i / instancesPerHost:D5}", (i % instancesPerHost).ToString(System.Globalization.CultureInfo.InvariantCulture)))];

    /// <summary>Every instance reports once, <paramref name="concurrency"/> at a time; returns the errors.</summary>
    public static async Task<long> PopulateAsync(IReportTarget target, IReadOnlyList<SimulatedInstance> farm, int concurrency,
        CancellationToken cancellationToken)
    {
        var next = -1;
        long errors = 0;
        var workers = Enumerable.Range(0, Math.Min(concurrency, farm.Count)).Select(async _ =>
        {
            await Task.Yield();
            int index;
            while ((index = Interlocked.Increment(ref next)) < farm.Count)
            {
                try
                {
                    await target.ReportAsync(farm[index], cancellationToken);
                }
                catch (Exception e) when (IsCallFailure(e, cancellationToken))
                {
                    Interlocked.Increment(ref errors);
                }
            }
        });
        await Task.WhenAll(workers);
        return errors;
    }

    public static async Task<LoadResult> RunAsync(IReportTarget target, IReadOnlyList<SimulatedInstance> farm, LoadSettings settings,
        CancellationToken cancellationToken)
    {
        settings.Validate();
        if (settings.Populate)
        {
            await PopulateAsync(target, farm, settings.Concurrency, cancellationToken);
        }

        var phase = Idle;
        var cursor = -1;
        long calls = 0;
        long errors = 0;
        string? firstError = null;
        // More workers than instances would only wait for each other.
        var concurrency = Math.Min(settings.Concurrency, farm.Count);
        var latencies = new List<long>[concurrency];

        async Task WorkerAsync(int worker)
        {
            await Task.Yield();
            var random = new Random(worker * 7919 + 17);
            var recorded = latencies[worker] = new List<long>(16_384);
            while (Volatile.Read(ref phase) != Stopping && !cancellationToken.IsCancellationRequested)
            {
                var instance = Claim(farm, ref cursor);
                try
                {
                    var measuring = Volatile.Read(ref phase) == Measuring;
                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        await CallAsync(target, instance, settings, random, cancellationToken);
                    }
                    catch (Exception e) when (IsCallFailure(e, cancellationToken))
                    {
                        if (measuring)
                        {
                            Interlocked.Increment(ref errors);
                            Interlocked.CompareExchange(ref firstError, e.Message, null);
                        }

                        continue;
                    }

                    // A call belongs to the measurement when it started inside it, however late it ends.
                    if (measuring)
                    {
                        recorded.Add(Stopwatch.GetTimestamp() - start);
                        Interlocked.Increment(ref calls);
                    }
                }
                finally
                {
                    instance.Release();
                }
            }
        }

        var workers = Enumerable.Range(0, concurrency).Select(WorkerAsync).ToArray();
        await Task.Delay(settings.Warmup, cancellationToken);
        var measured = Stopwatch.StartNew();
        Volatile.Write(ref phase, Measuring);
        await Task.Delay(settings.Duration, cancellationToken);
        Volatile.Write(ref phase, Stopping);
        await Task.WhenAll(workers);
        var elapsed = measured.Elapsed;

        var all = latencies.SelectMany(list => list ?? []).ToArray();
        Array.Sort(all);
        return new LoadResult(Interlocked.Read(ref calls), Interlocked.Read(ref errors), elapsed, all, firstError);
    }

    /// <summary>One call for <paramref name="instance"/>: a sign-off now and then, else its next report.</summary>
    private static async Task CallAsync(IReportTarget target, SimulatedInstance instance, LoadSettings settings, Random random,
        CancellationToken cancellationToken)
    {
        if (instance.SignedOff)
        {
            instance.Restart();
        }
        else if (random.NextDouble() < settings.ChurnRate)
        {
            instance.SignedOff = true;
            await target.SignOffAsync(instance, cancellationToken);
            return;
        }

        Advance(instance, settings, random);
        await target.ReportAsync(instance, cancellationToken);
    }

    /// <summary>Moves the instance's state on as a render node's would between two reports.</summary>
    private static void Advance(SimulatedInstance instance, LoadSettings settings, Random random)
    {
        instance.ProcessCpuSeconds += instance.Rendering ? 7.5 : 0.01;
        if (random.NextDouble() < settings.StateChangeRate)
        {
            instance.Rendering = !instance.Rendering;
            if (instance.Rendering)
            {
                instance.JobFrameStart = 1;
                instance.JobFrameEnd = 250;
                instance.CurrentFrame = 1;
                instance.BlendFile = "shot010.blend";
                instance.ResidentMemoryBytes = 6UL * 1024 * 1024 * 1024;
            }
        }
        else if (instance.Rendering && random.NextDouble() < settings.FrameRate)
        {
            var seconds = 20 + random.NextDouble() * 40;
            instance.FinishFrame(seconds, 5_000_000_000 + (ulong)(random.NextDouble() * 1e9));
            instance.CurrentFrame++;
        }
    }

    /// <summary>The next instance without a call in flight, round robin.</summary>
    private static SimulatedInstance Claim(IReadOnlyList<SimulatedInstance> farm, ref int cursor)
    {
        var spins = new SpinWait();
        while (true)
        {
            var instance = farm[(int)((uint)Interlocked.Increment(ref cursor) % (uint)farm.Count)];
            if (instance.TryClaim())
            {
                return instance;
            }

            spins.SpinOnce();
        }
    }

    private static bool IsCallFailure(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e is Grpc.Core.RpcException or HttpRequestException or TaskCanceledException or IOException;
}
