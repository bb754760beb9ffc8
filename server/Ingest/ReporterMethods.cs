using Grpc.AspNetCore.Server.Model;
using RenderFarm.Contracts.V1;

namespace RenderFarm.Server.Ingest;

/// <summary>Binds <c>renderfarm.v1.Reporter</c> to <see cref="ReporterService"/> with strict request parsing.</summary>
public sealed class ReporterMethods : IServiceMethodProvider<ReporterService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<ReporterService> context)
    {
        context.AddUnaryMethod(StrictProtobufMethods.Unary<ReportRequest, ReportReply>(Reporter.Descriptor, "Report"), [],
            (service, request, call) => service.Report(request, call));
        context.AddUnaryMethod(StrictProtobufMethods.Unary<SignOffRequest, SignOffReply>(Reporter.Descriptor, "SignOff"), [],
            (service, request, call) => service.SignOff(request, call));
    }
}
