using System.Net;
using System.Net.Sockets;

namespace RenderFarm.StatusTests;

/// <summary>The check as monitoring runs it: the server's executable, its exit code and its one line.</summary>
public class CheckCommandTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private const int Ok = 0, Warning = 1, Critical = 2, Unknown = 3;

    private readonly Farm _farm = fixture.Farm;

    [Fact]
    public async Task Reporting_instance_is_ok_with_performance_data()
    {
        await _farm.SendAsync(Farm.Report("check-ok", "0", rendering: true, frame: 42, job: (1, 250)));

        var (exit, line) = await CheckAsync("--host", "check-ok", "--instance", "0", "--expect", "rendering", "--max-age", "60s");

        Assert.Equal(Ok, exit);
        Assert.StartsWith("RENDERFARM OK - check-ok/0 rendering, frame 42 of 1-250 (16%)", line);
        var performance = line[(line.IndexOf(" | ", StringComparison.Ordinal) + 3)..].Split(' ');
        Assert.Contains("instances=1;;;0", performance);
        Assert.Contains("rendering=1;;;0", performance);
        Assert.Contains("frame=42", performance);
        Assert.Contains(performance, p => p.StartsWith("age=", StringComparison.Ordinal) && p.EndsWith("s;60;;0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Whole_host_is_ok_when_one_of_its_instances_renders()
    {
        await _farm.SendAsync(Farm.Report("check-host", "0"));
        await _farm.SendAsync(Farm.Report("check-host", "1", rendering: true));

        var (exit, line) = await CheckAsync("--host", "check-host", "--expect", "rendering");

        Assert.Equal(Ok, exit);
        Assert.Contains("2 instances (1 rendering, 1 idle)", line);
    }

    [Fact]
    public async Task Report_older_than_max_age_is_a_warning()
    {
        await _farm.SendAsync(Farm.Report("check-late"));

        // Poll with a deadline: the report ages past 500 ms while the server still keeps it (TTL 30 s).
        var (exit, line) = await CheckUntilAsync(Warning, TimeSpan.FromSeconds(10), "--host", "check-late", "--max-age", "500ms");

        Assert.Equal(Warning, exit);
        Assert.Contains("(more than 0.5 s)", line);
    }

    [Theory]
    [InlineData("rendering", false, "idle, expected rendering")]
    [InlineData("idle", true, "rendering, expected idle")]
    public async Task Instance_in_the_other_state_is_critical(string expect, bool rendering, string message)
    {
        var host = $"check-state-{expect}";
        await _farm.SendAsync(Farm.Report(host, rendering: rendering));

        var (exit, line) = await CheckAsync("--host", host, "--expect", expect);

        Assert.Equal(Critical, exit);
        Assert.Contains(message, line);
    }

    [Fact]
    public async Task Host_that_does_not_report_is_critical()
    {
        var (exit, line) = await CheckAsync("--host", "check-nobody");

        Assert.Equal(Critical, exit);
        Assert.Equal("RENDERFARM CRITICAL - check-nobody: no report within the instance TTL (30 s) | instances=0;;;0", line);
    }

    [Fact]
    public async Task Missing_instance_of_a_reporting_host_is_critical()
    {
        await _farm.SendAsync(Farm.Report("check-instance", "0"));

        var (exit, line) = await CheckAsync("--host", "check-instance", "--instance", "5");

        Assert.Equal(Critical, exit);
        Assert.Contains("check-instance/5: no report", line);
        Assert.Contains("has instance(s) 0", line);
    }

    [Fact]
    public async Task Unreachable_server_is_unknown()
    {
        // A port that was free a moment ago: nothing listens there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (exit, line) = await CheckAsync(new Uri($"http://127.0.0.1:{port}"), "--host", "node17");

        Assert.Equal(Unknown, exit);
        Assert.StartsWith("RENDERFARM UNKNOWN - cannot reach", line);
    }

    public static TheoryData<string> Garbage =>
    [
        CannedServer.HttpResponse(200, "text/html", "<html><body>It works!</body></html>"),
        CannedServer.HttpResponse(200, "application/json", """{"host":"node17","instances":"many"}"""),
        CannedServer.HttpResponse(200, "application/json", """{"host":"node17","summary":{"instances":1,"rendering":0,"idle":1,"hosts":1},"ttlSeconds":30,"instances":[{"host":"node17"}]}"""),
        CannedServer.HttpResponse(404, "text/html", "<h1>Not Found</h1>"),
        CannedServer.HttpResponse(500, "text/plain", "boom"),
        "SSH-2.0-OpenSSH_9.2\r\n",
    ];

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Answer_that_is_not_the_status_api_is_unknown(string answer)
    {
        await using var server = new CannedServer(answer);

        var (exit, line) = await CheckAsync(server.Address, "--host", "node17");

        Assert.Equal(Unknown, exit);
        Assert.StartsWith("RENDERFARM UNKNOWN - ", line);
    }

    [Fact]
    public async Task Server_that_does_not_answer_in_time_is_unknown()
    {
        // Accepts the connection, never answers.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

            var (exit, line) = await CheckAsync(address, "--host", "node17", "--timeout", "1s");

            Assert.Equal(Unknown, exit);
            Assert.Contains("no answer within 1 s", line);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Theory]
    [InlineData("--expect", "busy", "--expect:")]
    [InlineData("--max-age", "soon", "--max-age:")]
    [InlineData("--server", "farm:8000", "--server:")]
    [InlineData("--colour", "red", "--colour:")]
    [InlineData("--timeout", "NaN", "--timeout:")]
    [InlineData("--max-age", "Infinity", "--max-age:")]
    [InlineData("--timeout", "100000000000000000000000000s", "--timeout:")]
    public async Task Bad_arguments_are_unknown_and_name_the_option(string option, string value, string named)
    {
        var (exit, line) = await CheckAsync("--host", "node17", option, value);

        Assert.Equal(Unknown, exit);
        Assert.StartsWith($"RENDERFARM UNKNOWN - {named}", line);
    }

    [Fact]
    public async Task Help_documents_the_options_and_exit_codes()
    {
        var (exit, text) = await RunAsync(["check", "--help"]);

        Assert.Equal(Unknown, exit);
        foreach (var word in new[] { "--server", "--host", "--instance", "--expect", "--max-age", "0 OK", "1 WARNING", "2 CRITICAL", "3 UNKNOWN" })
        {
            Assert.Contains(word, text);
        }
    }

    private Task<(int Exit, string Line)> CheckAsync(params string[] args) => CheckAsync(_farm.Server.HttpAddress, args);

    private Task<(int Exit, string Line)> CheckAsync(Uri server, params string[] args) => CheckProcess.CheckAsync(output, server, args);

    private async Task<(int Exit, string Line)> CheckUntilAsync(int expected, TimeSpan deadline, params string[] args)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var result = await CheckAsync(args);
            if (result.Exit == expected || DateTime.UtcNow > until)
            {
                return result;
            }

            await Task.Delay(200);
        }
    }

    private Task<(int Exit, string Text)> RunAsync(string[] args) => CheckProcess.RunAsync(output, args);
}
