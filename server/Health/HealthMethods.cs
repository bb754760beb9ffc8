using Grpc.AspNetCore.Server.Model;
using Grpc.Health.V1;
using GrpcHealth = Grpc.Health.V1.Health;

namespace RenderFarm.Server.Health;

/// <summary>Binds <c>grpc.health.v1.Health/Check</c> (and only Check) to <see cref="HealthService"/> with strict request parsing.</summary>
public sealed class HealthMethods : IServiceMethodProvider<HealthService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<HealthService> context) =>
        context.AddUnaryMethod(StrictProtobufMethods.Unary<HealthCheckRequest, HealthCheckResponse>(GrpcHealth.Descriptor, "Check"), [],
            (service, request, call) => service.Check(request, call));
}
