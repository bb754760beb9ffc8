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

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, string path, byte[] body, string contentType, Version version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(body),
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode;
    }
}
