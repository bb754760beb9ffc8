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
/// so every machine that has the server has the check. Asks GET /api/hosts/{host} for a page of one.
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
        var hostPath = "api/hosts/" + Uri.EscapeDataString(args.Host);
        // A page of one: the host's counts and oldest report cover all its instances, so a host of thousands answers in
        // a few hundred bytes. With --instance, only that one.
        var url = new Uri(args.Server, hostPath + "?pageSize=1"
            + (args.Instance is null ? "" : "&instance=" + Uri.EscapeDataString(args.Instance)));
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("RenderFarm-check", "1"));
        // One deadline for every request, headers and bodies alike.
        using var deadline = new CancellationTokenSource(args.Timeout);
        try
        {
            var answer = await AskAsync(client, url, deadline.Token);
            if (answer.Failure is { } failure)
            {
                return failure;
            }

            if (answer.Status == HttpStatusCode.OK)
            {
                return HostOf(answer, args) is { } host
                    ? CheckEvaluation.Evaluate(args, host, TimeSpan.FromSeconds(host.TtlSeconds))
                    : answer.NotTheStatusApi();
            }

            if (answer.Status != HttpStatusCode.NotFound || Deserialize<UnknownHostProblem>(answer.Body) is not { Status: 404 } problem)
            {
                return answer.NotTheStatusApi();
            }

            if (CheckAnswer.TtlError(problem.TtlSeconds) is { } implausibleTtl)
            {
                return answer.NotTheStatusApi(implausibleTtl);
            }

            var ttl = problem.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            if (args.Instance is null)
            {
                return CheckEvaluation.Evaluate(args, host: null, ttl);
            }

            // The instance does not report: which of the host's do, to say so (a few of them, not all of a large host).
            var othersUrl = new Uri(args.Server, hostPath + "?pageSize=" + CheckEvaluation.MaxNamed);
            var others = await AskAsync(client, othersUrl, deadline.Token);
            if (others.Failure is { } othersFailure)
            {
                return othersFailure;
            }

            return others.Status switch
            {
                HttpStatusCode.OK => HostOf(others, args) is { } host
                    ? CheckEvaluation.Evaluate(args, host: null, ttl, host)
                    : others.NotTheStatusApi(),
                HttpStatusCode.NotFound => CheckEvaluation.Evaluate(args, host: null, ttl),
                _ => others.NotTheStatusApi(),
            };
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return CheckResult.Unknown($"{url}: no answer within {args.Timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>One request's answer, read whole up to <see cref="MaxAnswerBytes"/>, or what went wrong on the way.</summary>
    private static async Task<Answer> AskAsync(HttpClient client, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                return Answer.Failed(url, $"{url} answered HTTP {(int)response.StatusCode}, a redirect to "
                    + $"'{response.Headers.Location}', which the check does not follow: give --server the address that answers");
            }

            return await ReadCappedAsync(response.Content, cancellationToken) is { } body
                ? new Answer(url, response.StatusCode, body, null)
                : Answer.Failed(url, $"{url} answered with more than {MaxAnswerBytes} bytes: not the RenderFarm status API");
        }
        catch (HttpRequestException e)
        {
            return Answer.Failed(url, $"cannot reach {url}: {Innermost(e).Message}");
        }
        catch (IOException e)
        {
            return Answer.Failed(url, $"{url}: the answer broke off: {Innermost(e).Message}");
        }
    }

    /// <summary>The host's status in <paramref name="answer"/>, when it is one a RenderFarm server sends for the host asked about.</summary>
    private static HostStatus? HostOf(Answer answer, CheckArguments args) =>
        Deserialize<HostStatus>(answer.Body) is { } host && host.Host == args.Host && CheckAnswer.Implausible(host) is null ? host : null;

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

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    /// <summary>What a request brought back: a status and a body, or (as <see cref="Failure"/>) why there is none.</summary>
    private sealed record Answer(Uri Url, HttpStatusCode Status, byte[] Body, CheckResult? Failure)
    {
        public static Answer Failed(Uri url, string message) => new(url, default, [], CheckResult.Unknown(message));

        public CheckResult NotTheStatusApi()
        {
            // The first range check that fails says more than the body's first characters.
            if (Status == HttpStatusCode.OK && Deserialize<HostStatus>(Body) is { } host && CheckAnswer.Implausible(host) is { } implausible)
            {
                return NotTheStatusApi(implausible);
            }

            var text = Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 240));
            var start = string.Concat(text.Take(60).Select(c => char.IsControl(c) ? ' ' : c)).Trim();
            var shown = start.Length == 0 ? "an empty body" : $"a body starting '{start}'";
            return CheckResult.Unknown($"{Url} answered HTTP {(int)Status} with {shown}: not the RenderFarm status API");
        }

        public CheckResult NotTheStatusApi(string implausible) =>
            CheckResult.Unknown($"{Url} answered HTTP {(int)Status}, but {implausible}: not the RenderFarm status API");
    }

    /// <summary>The problem details of GET /api/hosts/{host} for a host that does not report.</summary>
    private sealed record UnknownHostProblem(int Status, string Title, double? TtlSeconds);
}
