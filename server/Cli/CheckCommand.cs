using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using RenderFarm.Server.Queries;
using RenderFarm.Server.StatusApi;

namespace RenderFarm.Server.Cli;

/// <summary>
/// <c>RenderFarm.Server check …</c>: a monitoring plugin in the server's own executable,
/// so every machine that has the server has the check. Asks GET /api/hosts/{host}.
/// </summary>
public static class CheckCommand
{
    // Strict, so that an answer missing a field or carrying the wrong type is garbage, not zeros.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>A host's status is a few hundred bytes per instance: an answer beyond this is not one.</summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, HttpMessageHandler? handler = null)
    {
        var arguments = CheckArguments.Parse(args, out var error, out var help);
        if (help)
        {
            await output.WriteLineAsync(CheckArguments.Usage);
            return (int)CheckStatus.Unknown;
        }

        CheckResult result;
        try
        {
            result = arguments is null
                ? CheckResult.Unknown(error!)
                : await CheckAsync(arguments, handler ?? new SocketsHttpHandler { AllowAutoRedirect = false });
        }
#pragma warning disable CA1031 // A monitoring plugin that fails inside must still say UNKNOWN in one line and exit 3, whatever failed.
        catch (Exception e)
#pragma warning restore CA1031
        {
            result = CheckResult.Unknown($"internal error: {e.GetType().Name}: {e.Message}");
        }

        await output.WriteLineAsync(result.Line);
        return (int)result.Status;
    }

    public static async Task<CheckResult> CheckAsync(CheckArguments args, HttpMessageHandler handler)
    {
        var url = new Uri(args.Server, "api/hosts/" + Uri.EscapeDataString(args.Host));
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("RenderFarm-check", "1"));
        // One deadline for the headers and the body alike.
        using var deadline = new CancellationTokenSource(args.Timeout);
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                return CheckResult.Unknown($"{url} answered HTTP {(int)response.StatusCode}, a redirect to "
                    + $"'{response.Headers.Location}', which the check does not follow: give --server the address that answers");
            }

            var body = await ReadCappedAsync(response.Content, deadline.Token);
            if (body is null)
            {
                return CheckResult.Unknown($"{url} answered with more than {MaxAnswerBytes} bytes: not the RenderFarm status API");
            }

            return response.StatusCode switch
            {
                HttpStatusCode.OK => Deserialize<HostStatus>(body) is { } host && host.Host == args.Host
                    ? CheckAnswer.Implausible(host) is { } implausible
                        ? NotTheStatusApi(url, response, implausible)
                        : CheckEvaluation.Evaluate(args, host, TimeSpan.FromSeconds(host.TtlSeconds))
                    : NotTheStatusApi(url, response, body),
                HttpStatusCode.NotFound => Deserialize<UnknownHostProblem>(body) is { Status: 404 } problem
                    ? CheckAnswer.TtlError(problem.TtlSeconds) is { } implausible
                        ? NotTheStatusApi(url, response, implausible)
                        : CheckEvaluation.Evaluate(args, host: null, problem.TtlSeconds is { } ttl ? TimeSpan.FromSeconds(ttl) : null)
                    : NotTheStatusApi(url, response, body),
                _ => NotTheStatusApi(url, response, body),
            };
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return CheckResult.Unknown($"{url}: no answer within {args.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return CheckResult.Unknown($"cannot reach {url}: {Innermost(e).Message}");
        }
        catch (IOException e)
        {
            return CheckResult.Unknown($"{url}: the answer broke off: {Innermost(e).Message}");
        }
    }

    /// <summary>The body's bytes, whatever charset the answer claims (JSON is UTF-8); null past <see cref="MaxAnswerBytes"/>.</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxAnswerBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxAnswerBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return length > MaxAnswerBytes ? null : buffer[..length];
    }

    private static T? Deserialize<T>(byte[] body)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static CheckResult NotTheStatusApi(Uri url, HttpResponseMessage response, byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 240));
        var start = string.Concat(text.Take(60).Select(c => char.IsControl(c) ? ' ' : c)).Trim();
        var shown = start.Length == 0 ? "an empty body" : $"a body starting '{start}'";
        return CheckResult.Unknown(
            $"{url} answered HTTP {(int)response.StatusCode} with {shown}: not the RenderFarm status API");
    }

    private static CheckResult NotTheStatusApi(Uri url, HttpResponseMessage response, string implausible) =>
        CheckResult.Unknown($"{url} answered HTTP {(int)response.StatusCode}, but {implausible}: not the RenderFarm status API");

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    /// <summary>The problem details of GET /api/hosts/{host} for a host that does not report.</summary>
    private sealed record UnknownHostProblem(int Status, string Title, double? TtlSeconds);
}
