using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using RenderFarm.Contracts.V1;

namespace RenderFarm.IntegrationTests;

/// <summary>
/// Random and mutated requests on both transports. A bounded run is part of the test
/// command; RENDERFARM_FUZZ_SECONDS makes it longer (see README).
/// </summary>
public partial class FuzzTests(ITestOutputHelper output)
{
    private const int MaxInstances = 2000;

    private static readonly string[] FramedPaths = ["/renderfarm.v1.Reporter/Report", "/renderfarm.v1.Reporter/SignOff", "/grpc.health.v1.Health/Check"];

    private static TimeSpan Duration => TimeSpan.FromSeconds(Setting("RENDERFARM_FUZZ_SECONDS", 8));

    /// <summary>How many distinct instance names the flood tries (RENDERFARM_FUZZ_NAMES; a million in the long run).</summary>
    private static int FloodNames => Setting("RENDERFARM_FUZZ_NAMES", 5 * MaxInstances);

    [Fact]
    public async Task Server_survives_random_and_mutated_requests_and_keeps_a_valid_exposition()
    {
        await using var farm = await Farm.StartAsync(output, ("RenderFarm:MaxInstances", MaxInstances.ToString(CultureInfo.InvariantCulture)));
        using var native = GrpcChannel.ForAddress(farm.Server.GrpcAddress);
        using var grpcPort = new HttpClient { BaseAddress = farm.Server.GrpcAddress, Timeout = TimeSpan.FromSeconds(10) };
        var raw = new RawGrpc(native);
        var random = new Random(20261125);
        var statuses = new Dictionary<string, int>();
        var sent = 0;

        var until = DateTime.UtcNow + Duration;
        while (DateTime.UtcNow < until)
        {
            var kind = random.Next(7);
            var path = FramedPaths[random.Next(FramedPaths.Length)];
            var outcome = kind switch
            {
                0 => (await raw.MessageAsync(RawGrpc.Report, Mutate(ValidReport(random), random))).ToString(),
                1 => (await raw.MessageAsync(RawGrpc.Report, RandomBytes(random, random.Next(0, 512)))).ToString(),
                2 => (await raw.MessageAsync(random.Next(2) == 0 ? RawGrpc.Report : RawGrpc.SignOff, WrongTypes(random))).ToString(),
                3 => "web " + await RawGrpc.StatusAsync(farm.Http, path, BadFraming(ValidReport(random), random), "application/grpc-web"),
                4 => "h2 " + await RawGrpc.StatusAsync(grpcPort, path, BadFraming(ValidReport(random), random), "application/grpc"),
                5 => "text " + await RawGrpc.StatusAsync(farm.Http, path, BadText(BadFraming(ValidReport(random), random), random), "application/grpc-web-text"),
                _ => (await raw.MessageAsync(RawGrpc.Report, InvalidUtf8Report(random))).ToString(),
            };
            statuses[outcome] = statuses.GetValueOrDefault(outcome) + 1;
            sent++;
        }

        // A flood of distinct instance names: storage stops at MaxInstances.
        var distinct = 0;
        for (var i = 0; i < FloodNames; i += 50)
        {
            var batch = Enumerable.Range(i, 50).Select(async n =>
            {
                try
                {
                    await farm.Native.ReportAsync(Farm.Report("flood", instance: $"i{n}"));
                    return StatusCode.OK;
                }
                catch (RpcException e)
                {
                    return e.StatusCode;
                }
            });
            distinct += (await Task.WhenAll(batch)).Count(s => s == StatusCode.OK);
        }

        output.WriteLine($"{FloodNames:N0} distinct instance names tried, {distinct:N0} stored");
        output.WriteLine($"{sent} fuzzed requests in {Duration.TotalSeconds} s: " +
            string.Join(", ", statuses.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}")));

        Assert.False(farm.Server.HasExited);
        Assert.True(sent > 50, $"only {sent} requests sent");
        // An unparsable message or a broken frame is the caller's error, named as such, and costs the log nothing.
        Assert.DoesNotContain("Unknown", statuses.Keys);
        Assert.DoesNotContain(statuses.Keys, s => s.EndsWith(" 2", StringComparison.Ordinal) || s.EndsWith("missing", StringComparison.Ordinal));
        Assert.DoesNotContain(farm.Server.Log, line => line.StartsWith("fail:", StringComparison.Ordinal)
            || line.StartsWith("crit:", StringComparison.Ordinal) || line.StartsWith("warn:", StringComparison.Ordinal));
        Assert.Equal(MaxInstances, distinct + (await farm.ScrapeAsync()).Series("Blender_Render").Count(s => s.Label("host") != "flood"));

        var text = await farm.ScrapeTextAsync();
        var scrape = Exposition.Parse(text);
        Assert.All(scrape.Series("Blender_Render"), s =>
        {
            Assert.Matches(LabelRule(), s.Label("host"));
            Assert.Matches(LabelRule(), s.Label("instance"));
        });
        Assert.True(scrape.Series("Blender_Render").Count() <= MaxInstances);
        var (exitCode, promtool) = await Tools.RunAsync("promtool", ["check", "metrics"], stdin: text);
        Assert.True(exitCode == 0, promtool);
        // Whatever numbers got through, what the server derives from them is finite, and the status API answers.
        Assert.All(scrape.Samples.Where(s => s.Name.StartsWith("blender_", StringComparison.Ordinal)), s => Assert.True(double.IsFinite(s.Value), $"{s.Name} {s.Value}"));
        foreach (var path in new[] { "/api/instances", "/api/summary", "/api/lost-renders", "/api/hosts/fuzz1" })
        {
            Assert.Equal(200, (await farm.GetJsonAsync(path)).Status);
        }

        // Memory stays bounded by the caps: 2000 instances and 64 KiB messages are small change.
        var workingSet = scrape.Value("process_working_set_bytes")!.Value;
        output.WriteLine($"server working set after fuzzing: {workingSet / 1048576:F0} MiB");
        Assert.True(workingSet < 400 * 1048576.0, $"working set {workingSet / 1048576:F0} MiB");
        // Full, yet the instances it holds keep reporting.
        Assert.True((await farm.Native.ReportAsync(Farm.Report("flood", instance: "i0", rendering: true))).Applied);
        Assert.Equal(1, (await farm.ScrapeAsync()).Instance("Blender_Render", "flood", "i0"));
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), CultureInfo.InvariantCulture, out var value) ? value : fallback;

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex LabelRule();

    private static byte[] ValidReport(Random random)
    {
        var report = Farm.Report($"fuzz{random.Next(20)}", instance: $"{random.Next(8)}", sequence: (ulong)random.Next(1, 1000),
            rendering: random.Next(2) == 0);
        report.CurrentFrame = random.Next(-100, 10000);
        report.RenderSeconds = random.NextDouble() * 1000;
        // Mostly ordinary, sometimes very long: up to the 64 KiB message limit and past it.
        report.BlendFile = new string('f', random.Next(10) == 0 ? random.Next(1000, 80_000) : random.Next(0, 400));
        report.Scene = random.Next(10) == 0 ? new string('ü', random.Next(1000, 20_000)) : "Scene";
        if (random.Next(4) == 0)
        {
            Extreme(report, random);
        }

        return report.ToByteArray();
    }

    private static readonly double[] ExtremeSeconds = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, 1.7e308, 1e7, 1e12, double.Epsilon];
    private static readonly ulong[] ExtremeCounts = [ulong.MaxValue, long.MaxValue, 1_000_000_000, 1_000_000_001, 1UL << 50];
    private static readonly int[] ExtremeFrames = [int.MinValue, int.MaxValue, -1_048_575, 1_048_574, 1_048_575];

    /// <summary>One number of the report at a value no Blender sends: non-finite, its type's extreme, or plausible but huge.</summary>
    private static void Extreme(ReportRequest report, Random random)
    {
        T Any<T>(T[] values) => values[random.Next(values.Length)];
        report.FrameSecondsCounts.AddRange([1, .. new ulong[12]]);
        report.FrameSecondsSum = 1;
        report.JobFrameStart = 1;
        report.JobFrameEnd = 10;
        switch (random.Next(8))
        {
            case 0: report.FrameSecondsSum = Any(ExtremeSeconds); break;
            case 1: report.RenderSeconds = Any(ExtremeSeconds); break;
            case 2: report.LastFrameSeconds = Any(ExtremeSeconds); break;
            case 3: report.ProcessCpuSeconds = Any(ExtremeSeconds); break;
            case 4: report.FrameSecondsCounts[random.Next(13)] = Any(ExtremeCounts); break;
            case 5: report.RendersCompleted = Any(ExtremeCounts); break;
            case 6: report.ResidentMemoryBytes = Any(ExtremeCounts); break;
            default: report.CurrentFrame = Any(ExtremeFrames); report.JobFrameStart = Any(ExtremeFrames); report.JobFrameEnd = int.MaxValue; break;
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Flips, truncates, duplicates or inserts bytes of a valid message.</summary>
    private static byte[] Mutate(byte[] message, Random random)
    {
        var bytes = message.ToList();
        for (var n = random.Next(1, 6); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes.RemoveRange(at, bytes.Count - at); break;
                case 2: bytes.InsertRange(at, RandomBytes(random, random.Next(1, 16))); break;
                default: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(8, bytes.Count - at))); break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Known fields with the wrong wire type, and huge length prefixes.</summary>
    private static byte[] WrongTypes(Random random)
    {
        var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(1, WireFormat.WireType.Varint);      // host is a string
        output.WriteUInt64((ulong)random.NextInt64());
        output.WriteTag(4, WireFormat.WireType.LengthDelimited); // sequence is a varint
        output.WriteBytes(ByteString.CopyFrom(RandomBytes(random, 10)));
        output.WriteTag(15, WireFormat.WireType.Fixed32);    // render_seconds is a double
        output.WriteFixed32(12345);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteUInt32(uint.MaxValue);                   // a length far beyond the message
        output.Flush();
        return stream.ToArray();
    }

    private static byte[] InvalidUtf8Report(Random random)
    {
        var valid = Farm.Report("utf8-node", instance: $"{random.Next(4)}");
        valid.Scene = "";
        var bytes = valid.ToByteArray().ToList();
        // Field 8 (scene), length-delimited, with bytes that are not UTF-8.
        bytes.AddRange([0x42, 4, 0xC3, 0x28, 0xFF, 0xFE]);
        if (random.Next(2) == 0)
        {
            bytes.AddRange([0x0A, 3, 0xE2, 0x82, 0x28]); // and a host that is not either
        }

        return [.. bytes];
    }

    /// <summary>
    /// Frames whose prefix lies: truncated, too long, too short, compressed without compression,
    /// a length of 2 GiB or more, a flag that does not exist.
    /// </summary>
    private static byte[] BadFraming(byte[] message, Random random) => random.Next(8) switch
    {
        0 => RawGrpc.Frame(message)[..random.Next(0, 5 + message.Length)],
        1 => RawGrpc.Frame(message, claimedLength: message.Length + random.Next(1, 1000)),
        2 => RawGrpc.Frame(message, claimedLength: Math.Max(0, message.Length - random.Next(1, 10))),
        3 => RawGrpc.Frame(message, flag: 1),
        4 => RawGrpc.Frame(message, claimedLength: int.MaxValue),
        5 => RawGrpc.Frame(message, claimedLength: int.MinValue + random.Next()),
        6 => RawGrpc.Frame(message, flag: (byte)random.Next(2, 256)),
        _ => [.. RawGrpc.Frame(message), .. RawGrpc.Frame(message)],
    };

    /// <summary>gRPC-Web text: the frame in base64, sometimes with a character that is not base64 or cut short.</summary>
    private static byte[] BadText(byte[] frame, Random random)
    {
        var text = Encoding.ASCII.GetBytes(Convert.ToBase64String(frame));
        if (text.Length == 0)
        {
            return text; // a frame cut to nothing: no character to spoil or cut
        }

        switch (random.Next(3))
        {
            case 0: text[random.Next(text.Length)] = (byte)"!*- \n"[random.Next(5)]; break;
            case 1: text = text[..random.Next(text.Length)]; break;
        }

        return text;
    }
}
