using Grpc.Core;
using Microsoft.Extensions.Options;
using RenderFarm.Contracts.V1;
using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Ingest;

/// <summary>
/// The gRPC face of the registry, for native gRPC and gRPC-Web alike. Bound by
/// <see cref="ReporterMethods"/> rather than the generated base class, for strict request parsing.
/// </summary>
public sealed class ReporterService(InstanceRegistry registry, IOptions<RenderFarmOptions> options)
{
    private readonly uint _heartbeatMs = (uint)options.Value.HeartbeatInterval.TotalMilliseconds;

    public Task<ReportReply> Report(ReportRequest request, ServerCallContext context)
    {
        var result = registry.Apply(ToDomain(request), context.UserState.TryGetValue(HostScope.UserStateKey, out var scope) ? scope : null);
        return result.Outcome switch
        {
            ReportOutcome.Applied => Task.FromResult(new ReportReply { Applied = true, HeartbeatIntervalMs = _heartbeatMs }),
            ReportOutcome.Stale => Task.FromResult(new ReportReply { Applied = false, HeartbeatIntervalMs = _heartbeatMs }),
            ReportOutcome.LimitReached => throw new RpcException(new Status(StatusCode.ResourceExhausted, result.Error!)),
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, result.Error!)),
        };
    }

    public Task<SignOffReply> SignOff(SignOffRequest request, ServerCallContext context)
    {
        var result = registry.SignOff(request.Host, request.Instance, request.SessionId);
        return result.Outcome == SignOffOutcome.Invalid
            ? throw new RpcException(new Status(StatusCode.InvalidArgument, result.Error!))
            : Task.FromResult(new SignOffReply { Removed = result.Outcome == SignOffOutcome.Removed });
    }

    private static InstanceReport ToDomain(ReportRequest request) => new()
    {
        Host = request.Host,
        Instance = request.Instance,
        SessionId = request.SessionId,
        Sequence = request.Sequence,
        Rendering = ToRendering(request.State),
        BlenderVersion = ReportRules.Truncate(request.BlenderVersion),
        AddonVersion = ReportRules.Truncate(request.AddonVersion),
        Scene = ReportRules.Truncate(request.Scene),
        BlendFile = ReportRules.TruncatePath(request.BlendFile),
        Engine = ReportRules.Truncate(request.Engine),
        CurrentFrame = request.CurrentFrame,
        JobFrameStart = request.HasJobFrameStart ? request.JobFrameStart : null,
        JobFrameEnd = request.HasJobFrameEnd ? request.JobFrameEnd : null,
        FramesRendered = request.FramesRendered,
        RenderSeconds = request.RenderSeconds,
        LastFrameSeconds = request.HasLastFrameSeconds ? request.LastFrameSeconds : null,
        ProcessCpuSeconds = request.ProcessCpuSeconds,
        ResidentMemoryBytes = request.HasResidentMemoryBytes ? request.ResidentMemoryBytes : null,
        Device = ReportRules.Truncate(request.Device),
        RenderJob = ReportRules.Truncate(request.Job),
        Samples = request.HasSamples ? request.Samples : null,
        FrameSecondsBuckets = FrameTimes.Cumulative(request.FrameSecondsCounts),
        FrameSecondsSum = request.FrameSecondsSum,
        FramePeakMemoryBytes = request.HasFramePeakMemoryBytes ? request.FramePeakMemoryBytes : null,
        RendersCompleted = request.RendersCompleted,
        RendersCancelled = request.RendersCancelled,
        RendersFailed = request.RendersFailed,
        RenderFailure = ReportRules.Truncate(request.RenderFailure),
        FrameElapsedSeconds = request.HasFrameElapsedSeconds ? request.FrameElapsedSeconds : null,
        ProgressAgeSeconds = request.HasProgressAgeSeconds ? request.ProgressAgeSeconds : null,
        FrameSamplesDone = request.HasFrameSamplesDone ? request.FrameSamplesDone : null,
        FrameSamplesTotal = request.HasFrameSamplesTotal ? request.FrameSamplesTotal : null,
    };

    private static bool ToRendering(RenderState state) => state switch
    {
        RenderState.Rendering => true,
        RenderState.Idle => false,
        _ => throw new RpcException(new Status(StatusCode.InvalidArgument,
            $"state: must be RENDER_STATE_IDLE or RENDER_STATE_RENDERING, was {state}")),
    };
}
