using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RenderFarm.Server.NodeStatus;

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

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, HttpMessageHandler? handler = null)
    {
        var arguments = CheckArguments.Parse(args, out var error, out var help);
        if (help)
        {
            await output.WriteLineAsync(CheckArguments.Usage);
            return (int)CheckStatus.Unknown;
        }

        var result = arguments is null
            ? CheckResult.Unknown(error!)
            : await CheckAsync(arguments, handler ?? new SocketsHttpHandler());
        await output.WriteLineAsync(result.Line);
        return (int)result.Status;
    }

    public static async Task<CheckResult> CheckAsync(CheckArguments args, HttpMessageHandler handler)
    {
        var url = new Uri(args.Server, "api/hosts/" + Uri.EscapeDataString(args.Host));
        using var client = new HttpClient(handler) { Timeout = args.Timeout };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("RenderFarm-check", "1"));
        try
        {
            using var response = await client.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            return response.StatusCode switch
            {
                HttpStatusCode.OK => Deserialize<HostStatus>(body) is { } host && host.Host == args.Host
                    ? CheckEvaluation.Evaluate(args, host, TimeSpan.FromSeconds(host.TtlSeconds))
                    : NotTheStatusApi(url, response, body),
                HttpStatusCode.NotFound => Deserialize<UnknownHostProblem>(body) is { Status: 404 } problem
                    ? CheckEvaluation.Evaluate(args, host: null, problem.TtlSeconds is { } ttl ? TimeSpan.FromSeconds(ttl) : null)
                    : NotTheStatusApi(url, response, body),
                _ => NotTheStatusApi(url, response, body),
            };
        }
        catch (TaskCanceledException)
        {
            return CheckResult.Unknown($"{url}: no answer within {args.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return CheckResult.Unknown($"cannot reach {url}: {Innermost(e).Message}");
        }
    }

    private static T? Deserialize<T>(string body)
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

    private static CheckResult NotTheStatusApi(Uri url, HttpResponseMessage response, string body)
    {
        var start = string.Concat(body.Take(60).Select(c => char.IsControl(c) ? ' ' : c)).Trim();
        var shown = start.Length == 0 ? "an empty body" : $"a body starting '{start}'";
        return CheckResult.Unknown(
            $"{url} answered HTTP {(int)response.StatusCode} with {shown}: not the RenderFarm status API");
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    /// <summary>The problem details of GET /api/hosts/{host} for a host that does not report.</summary>
    private sealed record UnknownHostProblem(int Status, string Title, double? TtlSeconds);
}
