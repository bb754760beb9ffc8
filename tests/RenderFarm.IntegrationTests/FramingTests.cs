using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Grpc.Core;

namespace RenderFarm.IntegrationTests;

/// <summary>
/// Request bodies whose gRPC framing is broken, on every service and transport: each gets an
/// error status naming the fault, and none costs the log a line.
/// </summary>
public class FramingTests(ITestOutputHelper output)
{
    private const int FloodFrames = 2000;

    private static readonly string[] Paths = ["/renderfarm.v1.Reporter/Report", "/renderfarm.v1.Reporter/SignOff", "/grpc.health.v1.Health/Check"];

    /// <summary>INVALID_ARGUMENT, or UNIMPLEMENTED: the gRPC answer to an encoding the server does not take.</summary>
    private static readonly string[] RefusedCompression = ["3", "12"];

    private static readonly string[] ContentTypes = ["application/grpc", "application/grpc-web", "application/grpc-web-text"];

    public static TheoryData<string, string> BadBodies => new()
    {
        { "length 0x80000000", "8" },
        { "length 0xFFFFFFFF", "8" },
        { "length 64 KiB + 1", "8" },
        { "flag 0x02", "3" },
        { "flag 0x80", "3" },
        { "truncated message", "3" },
        { "bytes after the message", "3" },
        { "not a message", "3" },
    };

    [Fact]
    public async Task Every_malformed_frame_gets_an_error_status_on_every_service_and_transport()
    {
        await using var farm = await Farm.StartAsync(output);
        using var grpcPort = new HttpClient { BaseAddress = farm.Server.GrpcAddress };
        var wrong = new List<string>();
        var linesAtStart = farm.Server.Log.Count;

        foreach (var (name, expected) in BadBodies.Select(row => ((string)row[0], (string)row[1])))
        {
            foreach (var path in Paths)
            {
                foreach (var contentType in ContentTypes)
                {
                    var status = await SendAsync(farm.Http, grpcPort, path, contentType, Body(name));
                    if (status != expected)
                    {
                        wrong.Add($"{name} to {path} as {contentType}: grpc-status {status}, expected {expected}");
                    }
                }
            }
        }

        Assert.Empty(wrong);
        Assert.DoesNotContain(farm.Server.Log.Skip(linesAtStart), IsAboveDebug);
    }

    [Fact]
    public async Task Well_framed_report_is_applied_over_every_transport_after_the_check()
    {
        await using var farm = await Farm.StartAsync(output);
        using var grpcPort = new HttpClient { BaseAddress = farm.Server.GrpcAddress };

        foreach (var contentType in ContentTypes)
        {
            var report = Farm.Report("framed", instance: contentType.Replace('/', '.'));
            var status = await SendAsync(farm.Http, grpcPort, "/renderfarm.v1.Reporter/Report", contentType,
                RawGrpc.Frame(Google.Protobuf.MessageExtensions.ToByteArray(report)));
            Assert.True(status == "0", $"{contentType}: grpc-status {status}");
            Assert.NotNull((await farm.ScrapeAsync()).Instance("Blender_Render", "framed", report.Instance));
        }
    }

    [Fact]
    public async Task A_text_mode_call_is_answered_in_text_mode_after_the_check()
    {
        await using var farm = await Farm.StartAsync(output);
        var report = Farm.Report("text-mode");
        var body = Convert.ToBase64String(RawGrpc.Frame(Google.Protobuf.MessageExtensions.ToByteArray(report)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/renderfarm.v1.Reporter/Report")
        {
            Content = new StringContent(body, Encoding.ASCII),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc-web-text");
        request.Headers.Add("Accept", "application/grpc-web-text");

        using var response = await farm.Http.SendAsync(request);
        Assert.Equal("application/grpc-web-text", response.Content.Headers.ContentType?.MediaType);
        // The reply, message and trailers, is base64 as a text-mode client (grpc-web's default) reads it.
        var decoded = DecodePieces(await response.Content.ReadAsStringAsync());
        Assert.Matches(@"grpc-status: ?0\r\n", decoded);
        Assert.NotNull((await farm.ScrapeAsync()).Instance("Blender_Render", "text-mode", "0"));
    }

    /// <summary>gRPC-Web text: base64 pieces one after another, each padded on its own.</summary>
    private static string DecodePieces(string text)
    {
        var bytes = new List<byte>();
        for (var start = 0; start < text.Length;)
        {
            var end = start;
            while (end < text.Length && !text.AsSpan(end, 4).Contains('='))
            {
                end += 4;
            }

            end = Math.Min(text.Length, end + 4);
            bytes.AddRange(Convert.FromBase64String(text[start..end]));
            start = end;
        }

        return Encoding.ASCII.GetString([.. bytes]);
    }

    [Fact]
    public async Task Base64_that_is_not_base64_gets_invalid_argument()
    {
        await using var farm = await Farm.StartAsync(output);

        foreach (var path in Paths)
        {
            var status = await RawGrpc.StatusAsync(farm.Http, path, Encoding.ASCII.GetBytes("AAAA!!!!"), "application/grpc-web-text");
            Assert.Equal("3", status);
        }

        Assert.DoesNotContain(farm.Server.Log, IsErrorOrWarning);
    }

    [Fact]
    public async Task Compressed_flag_on_data_that_is_not_compressed_gets_an_error_status()
    {
        await using var farm = await Farm.StartAsync(output);
        using var grpcPort = new HttpClient { BaseAddress = farm.Server.GrpcAddress };
        var gzip = new Dictionary<string, string> { ["grpc-encoding"] = "gzip" };

        foreach (var path in Paths)
        {
            var native = await RawGrpc.StatusAsync(grpcPort, path, RawGrpc.Frame([0x61, 0x62, 0x63], flag: 1), "application/grpc", gzip);
            var web = await RawGrpc.StatusAsync(farm.Http, path, RawGrpc.Frame([0x61, 0x62, 0x63], flag: 1), "application/grpc-web", gzip);
            Assert.Contains(native, RefusedCompression);
            Assert.Contains(web, RefusedCompression);
        }

        Assert.DoesNotContain(farm.Server.Log, IsErrorOrWarning);
    }

    [Fact]
    public async Task Body_stalled_below_the_minimum_rate_is_cancelled_without_an_error_line()
    {
        await using var farm = await Farm.StartAsync(output);
        using var grpcPort = new HttpClient { BaseAddress = farm.Server.GrpcAddress, Timeout = TimeSpan.FromSeconds(30) };

        // Kestrel's minimum request body rate has a 5 s grace period: the stall outlasts it.
        foreach (var (client, contentType) in new[] { (grpcPort, "application/grpc"), (farm.Http, "application/grpc-web") })
        {
            try
            {
                await RawGrpc.StallAsync(client, "/renderfarm.v1.Reporter/Report", contentType, TimeSpan.FromSeconds(9));
            }
            catch (HttpRequestException)
            {
                // The server may reset the stream or close the connection: either is fine.
            }
        }

        Assert.False(farm.Server.HasExited);
        Assert.DoesNotContain(farm.Server.Log, IsErrorOrWarning);
        Assert.True((await farm.Native.ReportAsync(Farm.Report("after-stall"))).Applied);
    }

    [Fact]
    public async Task Flood_of_malformed_frames_leaves_the_log_free_of_error_lines()
    {
        await using var farm = await Farm.StartAsync(output);
        using var grpcPort = new HttpClient { BaseAddress = farm.Server.GrpcAddress };
        var names = BadBodies.Select(row => (string)row[0]).ToArray();
        var linesBefore = farm.Server.Log.Count;
        farm.Server.SetOutput(null); // the flood would drown the test output; the lines are still counted

        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await Parallel.ForAsync(0, FloodFrames, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            string status;
            try
            {
                status = await SendAsync(farm.Http, grpcPort, Paths[i % Paths.Length], ContentTypes[i / Paths.Length % ContentTypes.Length],
                    Body(names[i % names.Length]));
            }
            catch (HttpRequestException)
            {
                status = "connection closed";
            }

            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        });

        // Let the server write whatever the flood made it write.
        await Task.Delay(500);
        var lines = farm.Server.Log.Skip(linesBefore).ToList();
        output.WriteLine($"{FloodFrames} malformed frames: {lines.Count} log lines, {lines.Count(IsErrorOrWarning)} at Warning or above; statuses "
            + string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}")));
        Assert.Empty(lines.Where(IsErrorOrWarning).Take(3));
        Assert.Empty(lines.Take(3));
        Assert.DoesNotContain("2", statuses.Keys);
        Assert.DoesNotContain("0", statuses.Keys);
        Assert.DoesNotContain("connection closed", statuses.Keys);
        Assert.True((await farm.Native.ReportAsync(Farm.Report("after-flood"))).Applied);
    }

    private static Task<string> SendAsync(HttpClient http, HttpClient grpcPort, string path, string contentType, byte[] body) =>
        contentType == "application/grpc"
            ? RawGrpc.StatusAsync(grpcPort, path, body, contentType)
            : RawGrpc.StatusAsync(http, path, contentType.EndsWith("-text", StringComparison.Ordinal)
                ? Encoding.ASCII.GetBytes(Convert.ToBase64String(body))
                : body, contentType);

    private static byte[] Body(string name) => name switch
    {
        "length 0x80000000" => Prefix(0, 0x8000_0000, "abc"),
        "length 0xFFFFFFFF" => Prefix(0, 0xFFFF_FFFF, "abc"),
        "length 64 KiB + 1" => Prefix(0, 64 * 1024 + 1, "abc"),
        "flag 0x02" => Prefix(2, 3, "abc"),
        "flag 0x80" => Prefix(0x80, 3, "abc"),
        "truncated message" => Prefix(0, 100, "abc"),
        "bytes after the message" => [.. RawGrpc.Frame([]), 0, 0],
        "not a message" => RawGrpc.Frame([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static byte[] Prefix(byte flag, uint length, string payload)
    {
        var bytes = new byte[5 + payload.Length];
        bytes[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), length);
        Encoding.ASCII.GetBytes(payload).CopyTo(bytes, 5);
        return bytes;
    }

    /// <summary>The simple console format starts a line with its level: trce, dbug, info, warn, fail, crit.</summary>
    private static bool IsAboveDebug(string line) => !line.StartsWith("trce:", StringComparison.Ordinal) && !line.StartsWith("dbug:", StringComparison.Ordinal);

    private static bool IsErrorOrWarning(string line) =>
        line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal)
        || line.StartsWith("crit:", StringComparison.Ordinal) || line.Contains("Exception", StringComparison.Ordinal);
}
