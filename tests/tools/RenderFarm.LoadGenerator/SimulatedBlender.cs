namespace RenderFarm.LoadGenerator;

/// <summary>
/// One Blender process on a render node, at human pace: idle spells, render jobs frame by
/// frame, heartbeats between reports, now and then a crash (no sign-off: the server must
/// expire it) or a clean exit, then a new session.
/// </summary>
internal sealed class SimulatedBlender(
    SimulatedInstance state, IReportTarget target, SimulationSettings settings, TimeProvider time, Random random, FarmEvents events)
{
    // Until the server says otherwise in its first reply.
    private TimeSpan _heartbeat = TimeSpan.FromSeconds(5);

    public SimulatedInstance State => state;

    /// <summary>Whether the Blender process is running (false while crashed or exited).</summary>
    public bool Running { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await DelayAsync(Scaled(TimeSpan.FromSeconds(random.NextDouble() * 5)), cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            Running = true;
            await ReportAsync(cancellationToken);
            await StayAsync(Scaled(TimeSpan.FromSeconds(random.Next(5, 40))), cancellationToken);

            var job = RenderJob.Pick(random);
            if (!await RenderAsync(job, cancellationToken))
            {
                Running = false;
                events.Crashed(state, job);
                await DelayAsync(Scaled(TimeSpan.FromSeconds(random.Next(20, 90))), cancellationToken);
                state.Restart();
                continue;
            }

            if (random.NextDouble() < settings.ExitRate)
            {
                await SignOffAsync(cancellationToken);
                Running = false;
                events.Exited(state);
                await DelayAsync(Scaled(TimeSpan.FromSeconds(random.Next(5, 30))), cancellationToken);
                state.Restart();
            }
        }
    }

    /// <summary>Renders the job frame by frame; false when Blender crashed on the way.</summary>
    private async Task<bool> RenderAsync(RenderJob job, CancellationToken cancellationToken)
    {
        state.Rendering = true;
        state.BlendFile = job.BlendFile;
        state.Scene = job.Scene;
        state.Engine = job.Engine;
        state.JobFrameStart = job.FirstFrame;
        state.JobFrameEnd = job.LastFrame;
        state.CurrentFrame = job.FirstFrame;
        state.ResidentMemoryBytes = job.ResidentMemoryBytes;
        events.Started(state, job);
        await ReportAsync(cancellationToken);

        for (var frame = job.FirstFrame; frame <= job.LastFrame; frame++)
        {
            state.CurrentFrame = frame;
            var frameTime = job.FrameTime * (0.8 + random.NextDouble() * 0.45);
            if (random.NextDouble() < settings.CrashRate)
            {
                await StayAsync(Scaled(frameTime * random.NextDouble()), cancellationToken);
                return false;
            }

            await StayAsync(Scaled(frameTime), cancellationToken);
            state.FinishFrame(frameTime.TotalSeconds, job.ResidentMemoryBytes);
            events.FrameRendered();
            await ReportAsync(cancellationToken);
        }

        state.Rendering = false;
        state.ResidentMemoryBytes = 600UL * 1024 * 1024;
        events.Finished(state, job);
        await ReportAsync(cancellationToken);
        return true;
    }

    /// <summary>Lets <paramref name="duration"/> pass, reporting a heartbeat whenever the server's interval runs out.</summary>
    private async Task StayAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var remaining = duration;
        while (remaining > TimeSpan.Zero && !cancellationToken.IsCancellationRequested)
        {
            var step = remaining < _heartbeat ? remaining : _heartbeat;
            await DelayAsync(step, cancellationToken);
            remaining -= step;

            // Blender's own clock runs at farm speed: CPU time is what the simulated process used.
            var simulated = step.TotalSeconds * settings.Speed;
            state.ProcessCpuSeconds += state.Rendering ? simulated * 7.5 : simulated * 0.02;
            if (remaining > TimeSpan.Zero)
            {
                await ReportAsync(cancellationToken);
            }
        }
    }

    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await target.ReportAsync(state, cancellationToken) is { } heartbeat && heartbeat > TimeSpan.Zero)
            {
                _heartbeat = heartbeat;
            }
        }
        catch (Exception e)
        {
            // A reporter keeps going when the server is away, as the add-on does.
            if (!cancellationToken.IsCancellationRequested)
            {
                events.Unreachable(e);
            }
        }
    }

    private async Task SignOffAsync(CancellationToken cancellationToken)
    {
        try
        {
            await target.SignOffAsync(state, cancellationToken);
        }
        catch (Exception e)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                events.Unreachable(e);
            }
        }
    }

    private TimeSpan Scaled(TimeSpan farmTime) => farmTime / settings.Speed;

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
