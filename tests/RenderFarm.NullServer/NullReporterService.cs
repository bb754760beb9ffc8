using Grpc.Core;
using RenderFarm.Contracts.V1;

namespace RenderFarm.NullServer;

/// <summary>Takes every report and forgets it: what the gRPC stack alone costs per call.</summary>
public sealed class NullReporterService : Reporter.ReporterBase
{
    private static readonly ReportReply Applied = new() { Applied = true, HeartbeatIntervalMs = 5000 };
    private static readonly SignOffReply Removed = new() { Removed = true };

    public override Task<ReportReply> Report(ReportRequest request, ServerCallContext context) => Task.FromResult(Applied);

    public override Task<SignOffReply> SignOff(SignOffRequest request, ServerCallContext context) => Task.FromResult(Removed);
}
