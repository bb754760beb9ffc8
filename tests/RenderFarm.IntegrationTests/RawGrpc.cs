using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client;

namespace RenderFarm.IntegrationTests;

/// <summary>
/// Sends arbitrary bytes where a request message or a whole request body belongs, over
/// native gRPC and gRPC-Web: the fuzzer's way past the generated, well-behaved client.
/// </summary>
public sealed class RawGrpc(GrpcChannel native, HttpClient grpcPort, HttpClient httpPort)
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    public static readonly Method<byte[], byte[]> Report =
        new(MethodType.Unary, "renderfarm.v1.Reporter", "Report", Bytes, Bytes);

    public static readonly Method<byte[], byte[]> SignOff =
        new(MethodType.Unary, "renderfarm.v1.Reporter", "SignOff", Bytes, Bytes);

    /// <summary>A well-framed message with arbitrary content, through the gRPC client stack.</summary>
    public async Task<StatusCode> MessageAsync(Method<byte[], byte[]> method, byte[] message)
    {
        try
        {
            await native.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)), message);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    /// <summary>An arbitrary request body (frames may lie about their length) to the native gRPC port over HTTP/2.</summary>
    public Task<HttpStatusCode> NativeBodyAsync(string path, byte[] body) =>
        PostAsync(grpcPort, path, body, "application/grpc", HttpVersion.Version20);

    /// <summary>An arbitrary request body to the gRPC-Web endpoint on the HTTP/1.1 port.</summary>
    public Task<HttpStatusCode> GrpcWebBodyAsync(string path, byte[] body) =>
        PostAsync(httpPort, path, body, "application/grpc-web", HttpVersion.Version11);

    /// <summary>The 5-byte gRPC message prefix: compressed flag and big-endian length.</summary>
    public static byte[] Frame(byte[] message, int? claimedLength = null, byte flag = 0)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), claimedLength ?? message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>
    /// Posts a gRPC-Web body to <paramref name="http"/> (the HTTP port) and returns the call's
    /// grpc-status: from the headers of a trailers-only answer, else from the trailer frame in the body.
    /// </summary>
    public static async Task<string> GrpcWebStatusAsync(HttpClient http, string path, byte[] body)
    {
        using var response = await SendAsync(http, path, body, "application/grpc-web", HttpVersion.Version11);
        if (response.Headers.TryGetValues("grpc-status", out var values))
        {
            return values.Single();
        }

        var text = System.Text.Encoding.ASCII.GetString(await response.Content.ReadAsByteArrayAsync());
        var at = text.IndexOf("grpc-status:", StringComparison.Ordinal);
        return at < 0 ? "missing" : text[(at + 12)..].Split('\r', '\n')[0].Trim();
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, string path, byte[] body, string contentType, Version version)
    {
        using var response = await SendAsync(client, path, body, contentType, version);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, byte[] body, string contentType, Version version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(body),
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return await client.SendAsync(request);
    }
}
