namespace RenderFarm.StatusTests;

/// <summary>
/// The check against servers that answer what no RenderFarm server sends: whatever they send,
/// the check prints one line, escapes what could act on a terminal, and exits 0 to 3.
/// </summary>
public class HostileServerCheckTests(ITestOutputHelper output)
{
    private const int Ok = 0, Unknown = 3;

    private static string Host(double ttlSeconds = 30, string instance = "0", double ageSeconds = 1.5) =>
        $$"""
        {"host":"node17","summary":{"instances":1,"rendering":0,"idle":1,"hosts":1},"ttlSeconds":{{ttlSeconds:R}},
         "instances":[{"host":"node17","instance":"{{instance}}","state":"idle","currentFrame":1,"job":null,"framesRendered":0,
         "lastSeen":"2026-01-01T12:00:00+00:00","ageSeconds":{{ageSeconds:R}},"blenderVersion":"","engine":"","file":"","scene":""}]}
        """;

    public static TheoryData<string, string> Implausible => new()
    {
        { CannedServer.HttpResponse(200, "application/json", Host(ttlSeconds: 1e308)), "ttlSeconds 1E+308" },
        { CannedServer.HttpResponse(200, "application/json", Host(ttlSeconds: -5)), "ttlSeconds -5" },
        { CannedServer.HttpResponse(200, "application/json", Host(ageSeconds: 1e308)), "ageSeconds 1E+308" },
        { CannedServer.HttpResponse(404, "application/problem+json", """{"status":404,"title":"x","ttlSeconds":1e308}"""), "ttlSeconds 1E+308" },
    };

    [Theory]
    [MemberData(nameof(Implausible))]
    public async Task Number_out_of_range_is_unknown_naming_it(string answer, string named)
    {
        await using var server = new CannedServer(answer);

        var (exit, line) = await CheckProcess.CheckAsync(output, server.Address, "--host", "node17");

        Assert.Equal(Unknown, exit);
        Assert.StartsWith("RENDERFARM UNKNOWN - ", line);
        Assert.Contains(named, line);
    }

    [Fact]
    public async Task Unknown_charset_is_read_as_the_utf8_that_json_is()
    {
        await using var server = new CannedServer(CannedServer.HttpResponse(200, "application/json; charset=no-such-charset", Host()));

        var (exit, line) = await CheckProcess.CheckAsync(output, server.Address, "--host", "node17");

        Assert.Equal(Ok, exit);
        Assert.StartsWith("RENDERFARM OK - node17 idle", line);
    }

    [Fact]
    public async Task Body_of_a_gigabyte_is_unknown_without_reading_it_all()
    {
        const long size = 1_100_000_000;
        await using var server = new CannedServer(
            $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n", fillerBytes: size);
        await using var declared = new CannedServer(
            $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n", fillerBytes: size);

        foreach (var address in new[] { server.Address, declared.Address })
        {
            var (exit, line) = await CheckProcess.CheckAsync(output, address, "--host", "node17", "--timeout", "20s");

            Assert.Equal(Unknown, exit);
            Assert.Contains("more than 1048576 bytes", line);
        }
    }

    [Fact]
    public async Task Control_and_bidi_characters_from_the_server_are_escaped()
    {
        await using var server = new CannedServer(CannedServer.HttpResponse(200, "application/json",
            Host(instance: "\\u001B[31mred\\u0007\\u202Eevil\\u2028")));

        var (exit, line) = await CheckProcess.CheckAsync(output, server.Address, "--host", "node17", "--instance", "other");

        Assert.InRange(exit, Ok, Unknown);
        Assert.DoesNotContain(line, c => char.IsControl(c) || c is '\u202E' or '\u2028');
        // U+2028 ends a line: it is printed as a space, like a newline.
        Assert.Contains("\\u001B[31mred\\u0007\\u202Eevil ", line);
    }

    [Fact]
    public async Task Redirect_to_another_origin_is_not_followed()
    {
        // Another port is another origin: a redirect there is followed no more than one to another machine.
        await using var elsewhere = new CannedServer(CannedServer.HttpResponse(200, "application/json", Host()));
        await using var server = new CannedServer(
            $"HTTP/1.1 302 Found\r\nLocation: {elsewhere.Address}api/hosts/node17\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        var (exit, line) = await CheckProcess.CheckAsync(output, server.Address, "--host", "node17");

        Assert.Equal(Unknown, exit);
        Assert.Contains("redirect", line);
        Assert.Equal(0, elsewhere.Connections);
    }
}
