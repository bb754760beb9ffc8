using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using RenderFarm.Contracts.V1;
using RenderFarm.Server;

namespace RenderFarm.NullServer;

/// <summary>Takes every report and forgets it: what the gRPC stack alone costs per call.</summary>
public sealed class NullReporterService
{
    private static readonly ReportReply Applied = new() { Applied = true, HeartbeatIntervalMs = 5000 };
    private static readonly SignOffReply Removed = new() { Removed = true };

    public Task<ReportReply> Report(ReportRequest request, ServerCallContext context) => Task.FromResult(Applied);

    public Task<SignOffReply> SignOff(SignOffRequest request, ServerCallContext context) => Task.FromResult(Removed);
}

/// <summary>Bound with the same strict request parsing as the real service.</summary>
public sealed class NullReporterMethods : IServiceMethodProvider<NullReporterService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<NullReporterService> context)
    {
        context.AddUnaryMethod(StrictProtobufMethods.Unary<ReportRequest, ReportReply>(Reporter.Descriptor, "Report"), [],
            (service, request, call) => service.Report(request, call));
        context.AddUnaryMethod(StrictProtobufMethods.Unary<SignOffRequest, SignOffReply>(Reporter.Descriptor, "SignOff"), [],
            (service, request, call) => service.SignOff(request, call));
    }
}
