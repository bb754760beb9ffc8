using Grpc.AspNetCore.Server.Model;
using RenderFarm.Contracts.V1;

namespace RenderFarm.Server.StatusApi;

/// <summary>Binds <c>renderfarm.v1.FarmStatus</c> to <see cref="FarmStatusService"/> with strict request parsing.</summary>
public sealed class FarmStatusMethods : IServiceMethodProvider<FarmStatusService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<FarmStatusService> context)
    {
        context.AddUnaryMethod(
            StrictProtobufMethods.Unary<ListInstancesRequest, ListInstancesReply>(FarmStatus.Descriptor, "ListInstances"), [],
            (service, request, call) => service.ListInstances(request, call));
        context.AddUnaryMethod(
            StrictProtobufMethods.Unary<GetInstanceRequest, InstanceStatus>(FarmStatus.Descriptor, "GetInstance"), [],
            (service, request, call) => service.GetInstance(request, call));
    }
}
