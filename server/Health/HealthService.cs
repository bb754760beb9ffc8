using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RenderFarm.Server.Health;

/// <summary>
/// <c>grpc.health.v1.Health/Check</c> for the whole server (service ""), from the same health
/// checks as /healthz. Watch is not served: nothing we ship watches (the Kubernetes gRPC probe
/// calls Check), and every open Watch would hold a stream and its request for as long as the
/// caller likes, token or not.
/// </summary>
public sealed class HealthService(HealthCheckService checks)
{
    /// <summary>Service names are short dotted names; anything longer is not one.</summary>
    public const int MaxServiceNameLength = 128;

    public async Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        if (request.Service.Length > MaxServiceNameLength)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"service: must be at most {MaxServiceNameLength} characters, was {request.Service.Length}"));
        }

        if (request.Service.Length > 0)
        {
            throw new RpcException(new Status(StatusCode.NotFound, "service: only \"\" (the whole server) is known"));
        }

        var report = await checks.CheckHealthAsync(context.CancellationToken);
        return new HealthCheckResponse
        {
            Status = report.Status == HealthStatus.Unhealthy
                ? HealthCheckResponse.Types.ServingStatus.NotServing
                : HealthCheckResponse.Types.ServingStatus.Serving,
        };
    }
}
