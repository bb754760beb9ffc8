using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RenderFarm.Server.Reporting;

/// <summary>
/// With tokens configured, only callers presenting one of them as
/// <c>authorization: Bearer …</c> may write.
/// </summary>
public sealed class BearerTokenInterceptor(TokenStore tokens) : Interceptor
{
    private const string Scheme = "Bearer ";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (tokens.Required && !IsAuthorized(context.RequestHeaders.GetValue("authorization")))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                "authorization: expected 'Bearer <token>' with a token the server accepts"));
        }

        return continuation(request, context);
    }

    private bool IsAuthorized(string? header) =>
        header is not null && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
        && tokens.Accepts(header[Scheme.Length..].Trim());
}
