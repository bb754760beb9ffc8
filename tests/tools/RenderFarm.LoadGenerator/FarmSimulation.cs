namespace RenderFarm.LoadGenerator;

/// <summary>A render farm at human pace: every instance runs its own <see cref="SimulatedBlender"/>.</summary>
public static class FarmSimulation
{
    public static async Task<SimulationSummary> RunAsync(IReportTarget target, SimulationSettings settings, TextWriter output,
        TimeProvider time, CancellationToken cancellationToken)
    {
        settings.Validate();
        var events = new FarmEvents(output, time);
        var seeds = settings.Seed is { } seed ? new Random(seed) : new Random();
        var blenders = FarmLoad.CreateFarm(settings.Instances, settings.HostPrefix, settings.InstancesPerHost)
            .Select(instance => new SimulatedBlender(instance, target, settings, time, new Random(seeds.Next()), events))
            .ToArray();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (settings.Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        events.Say($"{blenders.Length} Blender instances report to {target.Description} at {settings.Speed}x farm speed; Ctrl+C stops");
        var running = blenders.Select(blender => Task.Run(() => blender.RunAsync(stop.Token), CancellationToken.None)).ToArray();
        using (var summaries = new PeriodicTimer(settings.SummaryInterval, time))
        {
            try
            {
                while (await summaries.WaitForNextTickAsync(stop.Token))
                {
                    events.Say(Summarize(blenders, events).ToString());
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        await Task.WhenAll(running);
        var summary = Summarize(blenders, events);
        events.Say(summary.ToString());
        return summary;
    }

    private static SimulationSummary Summarize(SimulatedBlender[] blenders, FarmEvents events) => new(
        Rendering: blenders.Count(b => b.Running && b.State.Rendering),
        Idle: blenders.Count(b => b.Running && !b.State.Rendering),
        Down: blenders.Count(b => !b.Running),
        events.Frames, events.Jobs, events.Crashes, events.Exits, events.FailedCalls);
}

public sealed record SimulationSummary(int Rendering, int Idle, int Down, long Frames, long Jobs, long Crashes, long Exits, long FailedCalls)
{
    public override string ToString() =>
        $"farm: {Rendering} rendering, {Idle} idle, {Down} down; {Frames} frames and {Jobs} jobs done, " +
        $"{Crashes} crashes, {Exits} clean exits, {FailedCalls} failed calls";
}
