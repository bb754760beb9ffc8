using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;

namespace RenderFarm.Server.Framing;

/// <summary>
/// Reads every gRPC request body before gRPC does and answers a malformed one itself with an
/// error status. grpc-dotnet turns some framing faults (a length prefix of 2 GiB or more, a
/// compressed flag other than 0 and 1, base64 that is not, a body that stalls or breaks off,
/// gzip that is not) into UNKNOWN with an Error log line and a stack trace: anyone, token or
/// not, could flood the log. Runs before gRPC-Web's middleware, on the bytes as they came.
/// </summary>
public sealed partial class GrpcRequestFraming(RequestDelegate next, ILogger<GrpcRequestFraming> logger)
{
    private const int MaxMessageSize = RenderFarmExtensions.MaxReceiveMessageSize;

    private const string TextContentType = "application/grpc-web-text";

    /// <summary>Base64 of the largest acceptable frame.</summary>
    private const int MaxTextBodySize = (MaxMessageSize + GrpcFrames.HeaderSize + 2) / 3 * 4;

    private static readonly Status BodyBrokeOff = new(StatusCode.Cancelled, "request body: broke off or arrived too slowly");

    private static readonly Status NotBase64 = new(StatusCode.InvalidArgument, "request body: not valid base64 (application/grpc-web-text)");

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || request.ContentType is not { } contentType
            || !contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        var text = contentType.StartsWith(TextContentType, StringComparison.OrdinalIgnoreCase);
        Status verdict;
        try
        {
            verdict = text ? await DecodeTextBodyAsync(context) : await JudgeBodyAsync(request.BodyReader, context.RequestAborted);
        }
        catch (IOException)
        {
            // Kestrel's minimum data rate (BadHttpRequestException), or the client went away.
            verdict = BodyBrokeOff;
        }
        catch (OperationCanceledException)
        {
            verdict = BodyBrokeOff;
        }

        if (verdict.StatusCode != StatusCode.OK)
        {
            LogRefused(verdict.StatusCode, verdict.Detail);
            Refuse(context, verdict);
            return;
        }

        await next(context);
    }

    /// <summary>
    /// Examines the body without consuming it: the gRPC handler then reads the same bytes, no
    /// copy made. A ValueTask: a report's body is usually all there at the first read.
    /// </summary>
    private static async ValueTask<Status> JudgeBodyAsync(PipeReader body, CancellationToken aborted)
    {
        while (true)
        {
            var read = await body.ReadAsync(aborted);
            var verdict = GrpcFrames.Judge(read.Buffer, read.IsCompleted, MaxMessageSize);
            body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            if (verdict is { } judged)
            {
                return judged;
            }

            if (read.IsCanceled)
            {
                return BodyBrokeOff;
            }
        }
    }

    /// <summary>
    /// Reads a base64 body whole (gRPC-Web's own decoder throws on bad base64 from inside the
    /// handler, and the request body cannot be read twice), judges the decoded frames, and hands
    /// gRPC-Web the same text again from memory.
    /// </summary>
    private static async ValueTask<Status> DecodeTextBodyAsync(HttpContext context)
    {
        var body = context.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await body.ReadAsync(context.RequestAborted);
            if (read.Buffer.Length > MaxTextBodySize)
            {
                body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return new Status(StatusCode.ResourceExhausted,
                    $"request body: more than {MaxTextBodySize} bytes of base64, over the message limit of {MaxMessageSize}");
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                break;
            }

            body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        var original = read.Buffer.ToArray();
        var decoded = GrpcWebText.Decode(original);
        body.AdvanceTo(read.Buffer.End);
        if (read.IsCanceled)
        {
            return BodyBrokeOff;
        }

        if (decoded is null)
        {
            return NotBase64;
        }

        var verdict = GrpcFrames.Judge(new ReadOnlySequence<byte>(decoded), complete: true, MaxMessageSize) ?? BodyBrokeOff;
        if (verdict.StatusCode == StatusCode.OK)
        {
            // gRPC-Web reads the text body anew and answers in text, as the client asked; its decoder
            // cannot fail on base64 that was just checked.
            context.Features.Set<IRequestBodyPipeFeature>(new BufferedBody(original));
        }

        return verdict;
    }

    /// <summary>A trailers-only gRPC answer, in the content type the client speaks.</summary>
    private static void Refuse(HttpContext context, Status status)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        var request = context.Request.ContentType!;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = !request.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase) ? "application/grpc"
            : context.Request.Headers.Accept.ToString().Contains(TextContentType, StringComparison.OrdinalIgnoreCase) ? TextContentType
            : "application/grpc-web";
        response.Headers["grpc-status"] = ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture);
        // Our details are ASCII without '%': valid grpc-message text as they are.
        response.Headers["grpc-message"] = status.Detail;
        if (status.StatusCode == StatusCode.Unimplemented)
        {
            response.Headers["grpc-accept-encoding"] = "identity";
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a gRPC request body: {StatusCode} {Detail}")]
    private partial void LogRefused(StatusCode statusCode, string detail);

    private sealed class BufferedBody(byte[] body) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = PipeReader.Create(new ReadOnlySequence<byte>(body));
    }
}
