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
public sealed class RawGrpc(GrpcChannel native)
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
    public static Task<string> GrpcWebStatusAsync(HttpClient http, string path, byte[] body) =>
        StatusAsync(http, path, body, "application/grpc-web");

    /// <summary>
    /// Posts <paramref name="body"/> as <paramref name="contentType"/> (application/grpc over HTTP/2,
    /// application/grpc-web[-text] over HTTP/1.1, answered in binary gRPC-Web) and returns the call's
    /// grpc-status: from the headers of a trailers-only answer, the HTTP/2 trailers, or the gRPC-Web trailer frame.
    /// </summary>
    public static async Task<string> StatusAsync(HttpClient client, string path, byte[] body, string contentType,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var version = contentType == "application/grpc" ? HttpVersion.Version20 : HttpVersion.Version11;
        using var response = await SendAsync(client, path, body, contentType, version, headers);
        var content = await response.Content.ReadAsByteArrayAsync();
        if (response.Headers.TryGetValues("grpc-status", out var values)
            || response.TrailingHeaders.TryGetValues("grpc-status", out values))
        {
            return values.Single();
        }

        var text = System.Text.Encoding.ASCII.GetString(content);
        var at = text.IndexOf("grpc-status:", StringComparison.Ordinal);
        return at < 0 ? "missing" : text[(at + 12)..].Split('\r', '\n')[0].Trim();
    }

    /// <summary>
    /// Sends the start of a frame, then nothing for <paramref name="stall"/>, then ends the body:
    /// a client far below Kestrel's minimum request body rate. Returns the call's grpc-status.
    /// </summary>
    public static async Task<string> StallAsync(HttpClient client, string path, string contentType, TimeSpan stall)
    {
        var version = contentType == "application/grpc" ? HttpVersion.Version20 : HttpVersion.Version11;
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StalledContent([0, 0, 0, 0, 100, 1, 2], stall),
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.Headers.TryGetValues("grpc-status", out var values) || response.TrailingHeaders.TryGetValues("grpc-status", out values)
            ? values.Single()
            : $"HTTP {(int)response.StatusCode}";
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, byte[] body, string contentType, Version version,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(body),
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }
}

/// <summary>A request body that sends its first bytes, then stalls.</summary>
internal sealed class StalledContent(byte[] start, TimeSpan stall) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        await stream.WriteAsync(start);
        await stream.FlushAsync();
        await Task.Delay(stall);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
