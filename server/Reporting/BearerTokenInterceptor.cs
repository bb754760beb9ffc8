using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace RenderFarm.Server.Reporting;

/// <summary>
/// With RenderFarm:Tokens set, only callers presenting one of them as
/// <c>authorization: Bearer …</c> may write. Tokens are compared in constant time.
/// </summary>
public sealed class BearerTokenInterceptor(IOptions<RenderFarmOptions> options) : Interceptor
{
    // Hashing first makes every comparison the same length, so timing tells nothing about a token.
    private readonly byte[][] _tokenHashes = [.. options.Value.Tokens.Select(Hash)];

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (_tokenHashes.Length > 0 && !IsAuthorized(context.RequestHeaders.GetValue("authorization")))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                "authorization: expected 'Bearer <token>' with a token the server accepts"));
        }

        return continuation(request, context);
    }

    private bool IsAuthorized(string? header)
    {
        const string scheme = "Bearer ";
        if (header is null || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Hash(header[scheme.Length..].Trim());
        var match = false;
        foreach (var hash in _tokenHashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(presented, hash);
        }

        return match;
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
