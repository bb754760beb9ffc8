using Grpc.Core;
using RenderFarm.Contracts.V1;

namespace RenderFarm.IntegrationTests;

public class BadInputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Host = "bad-input-node";
    private readonly Farm _farm = fixture.Farm;

    public static TheoryData<string, string> BadReports => new()
    {
        { "empty host", "host: must not be empty" },
        { "long host", "host: must be at most 128 characters" },
        { "host with space", "host: only letters, digits" },
        { "host with quote", "host: only letters, digits" },
        { "empty instance", "instance: must not be empty" },
        { "long instance", "instance: must be at most 128 characters" },
        { "instance with slash", "instance: only letters, digits" },
        { "instance with newline", "instance: only letters, digits" },
        { "empty session", "session_id: must not be empty" },
        { "unspecified state", "state: must be RENDER_STATE_IDLE or RENDER_STATE_RENDERING" },
        { "negative seconds", "render_seconds: must be a finite number" },
        { "NaN cpu seconds", "process_cpu_seconds: must be a finite number" },
        { "reversed frame range", "job_frame_end: must not be before job_frame_start" },
    };

    [Theory]
    [MemberData(nameof(BadReports))]
    public async Task Bad_report_is_refused_naming_the_field_over_both_transports(string name, string expected)
    {
        await _farm.Native.ReportAsync(Farm.Report(Host, instance: "kept"));
        var before = await _farm.SeriesOfHostAsync(Host);

        foreach (var client in new[] { _farm.Native, _farm.GrpcWeb })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => client.ReportAsync(Bad(name)).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.StartsWith(expected, error.Status.Detail);
        }

        Assert.Equal(before, await _farm.SeriesOfHostAsync(Host));
    }

    [Fact]
    public async Task Bad_sign_off_is_refused_naming_the_field()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _farm.Native.SignOffAsync(new SignOffRequest { Host = Host, Instance = "a b", SessionId = "s" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("instance:", error.Status.Detail);
    }

    [Fact]
    public async Task Oversized_message_is_refused_and_the_server_keeps_serving()
    {
        var report = Farm.Report(Host, instance: "huge");
        report.BlendFile = new string('x', 200_000);

        var error = await Assert.ThrowsAsync<RpcException>(() => _farm.Native.ReportAsync(report).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Null((await _farm.ScrapeAsync()).Instance("Blender_Render", Host, "huge"));
        Assert.True((await _farm.Native.ReportAsync(Farm.Report(Host, instance: "after"))).Applied);
    }

    [Fact]
    public async Task Two_megabyte_grpc_web_frame_is_refused_and_the_server_keeps_serving()
    {
        var status = await RawGrpc.GrpcWebStatusAsync(_farm.Http, "/renderfarm.v1.Reporter/Report",
            RawGrpc.Frame(new byte[2 * 1024 * 1024]));

        Assert.Equal(((int)StatusCode.ResourceExhausted).ToString(System.Globalization.CultureInfo.InvariantCulture), status);
        Assert.True((await _farm.Native.ReportAsync(Farm.Report(Host, instance: "after-big-body"))).Applied);
    }

    [Fact]
    public async Task Garbage_body_over_grpc_web_gets_an_error_status_not_a_crash()
    {
        var status = await RawGrpc.GrpcWebStatusAsync(_farm.Http, "/renderfarm.v1.Reporter/Report",
            [0, 0, 0, 0, 9, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);

        Assert.NotEqual("0", status);
        Assert.NotEqual("missing", status);
        Assert.False(_farm.Server.HasExited);
        Assert.True((await _farm.Native.ReportAsync(Farm.Report(Host, instance: "still-up"))).Applied);
    }

    private static ReportRequest Bad(string name)
    {
        var report = Farm.Report(Host, instance: "bad");
        switch (name)
        {
            case "empty host": report.Host = ""; break;
            case "long host": report.Host = new string('h', 129); break;
            case "host with space": report.Host = "node 1"; break;
            case "host with quote": report.Host = "node\"1"; break;
            case "empty instance": report.Instance = ""; break;
            case "long instance": report.Instance = new string('i', 129); break;
            case "instance with slash": report.Instance = "a/b"; break;
            case "instance with newline": report.Instance = "a\nb"; break;
            case "empty session": report.SessionId = ""; break;
            case "unspecified state": report.State = RenderState.Unspecified; break;
            case "negative seconds": report.RenderSeconds = -1; break;
            case "NaN cpu seconds": report.ProcessCpuSeconds = double.NaN; break;
            case "reversed frame range": report.JobFrameStart = 10; report.JobFrameEnd = 1; break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }

        return report;
    }
}
