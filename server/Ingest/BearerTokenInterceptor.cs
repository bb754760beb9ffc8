using Grpc.Core;
using Grpc.Core.Interceptors;
using RenderFarm.Contracts.V1;

namespace RenderFarm.Server.Ingest;

/// <summary>
/// With tokens configured, only callers presenting one of them as
/// <c>authorization: Bearer …</c> may write, and only for the hosts that token is scoped to.
/// </summary>
public sealed class BearerTokenInterceptor(TokenStore tokens) : Interceptor
{
    private const string Scheme = "Bearer ";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!tokens.Required)
        {
            return continuation(request, context);
        }

        var scope = ScopeOf(context.RequestHeaders.GetValue("authorization"))
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated,
                "authorization: expected 'Bearer <token>' with a token the server accepts"));
        var host = request switch
        {
            ReportRequest report => report.Host,
            SignOffRequest signOff => signOff.Host,
            _ => null,
        };
        if (host is not null && !scope.Allows(host))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                "host: the token presented may not report for this host (see its line in RenderFarm:TokensFile)"));
        }

        // The registry tells writers apart by it (see InstanceRegistry.Apply).
        context.UserState[HostScope.UserStateKey] = scope;
        return continuation(request, context);
    }

    private HostScope? ScopeOf(string? header) =>
        header is not null && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? tokens.ScopeOf(header[Scheme.Length..].Trim())
            : null;
}
