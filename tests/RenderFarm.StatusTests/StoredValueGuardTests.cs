using System.Text.Json;
using Google.Protobuf.Reflection;
using Grpc.Core;
using RenderFarm.Contracts.V1;

namespace RenderFarm.StatusTests;

/// <summary>
/// Every number a report carries, walked with the values a faulty or hostile client could send: NaN, the infinities, its
/// type's extremes, and plausible but huge values. Each is stored or refused with one line naming a field; then every
/// read face of the server (JSON API, gRPC status, the farm page, /metrics in both formats, the check) stays well-formed,
/// and the log has no warning or error.
/// </summary>
public class StoredValueGuardTests(ITestOutputHelper output)
{
    private const string Host = "guard";

    private static readonly double[] Doubles =
    [
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, -double.MaxValue, 1.7e308,
        double.Epsilon, -1, 0, 9_999_999.999, 1e7, 1e7 + 1, 1e12,
    ];

    private static readonly long[] Integers =
    [
        int.MinValue, int.MaxValue, uint.MaxValue, long.MaxValue, -1_048_575, -1_048_574, 1_048_574, 1_048_575,
        -1, 0, 999_999_999, 1_000_000_000, 1_000_000_001,
    ];

    private static readonly ulong[] Unsigned = [ulong.MaxValue, (ulong)long.MaxValue + 1, 1UL << 50, (1UL << 50) + 1];

    [Fact]
    public async Task Extreme_numbers_in_any_field_are_stored_or_refused_by_name_and_every_read_stays_well_formed()
    {
        await using var farm = await Farm.StartAsync(output);
        var fields = ReportRequest.Descriptor.Fields.InFieldNumberOrder();
        var names = fields.Select(f => f.Name).ToHashSet();
        var stored = new List<string>();
        var (refused, cases) = (0, 0);
        foreach (var field in fields.Where(IsNumber))
        {
            foreach (var report in Variants(field))
            {
                report.Instance = $"{field.FieldNumber}-{cases++}";
                try
                {
                    Assert.True((await farm.Native.ReportAsync(report)).Applied);
                    stored.Add(report.Instance);
                }
                catch (RpcException e)
                {
                    Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
                    Assert.DoesNotContain('\n', e.Status.Detail);
                    var named = e.Status.Detail.Split(':')[0].Split(", ");
                    Assert.True(named.All(names.Contains), $"{field.Name}: '{e.Status.Detail}' names no field of the report");
                    refused++;
                }
            }
        }

        // A few renders lost with the stored values: a new session replaces each rendering one.
        foreach (var instance in stored.Where((_, n) => n % 20 == 0))
        {
            var replacement = Base();
            replacement.Instance = instance;
            replacement.SessionId = "replacement";
            await farm.SendAsync(replacement);
        }

        output.WriteLine($"{cases} variants of {fields.Count(IsNumber)} number fields: {stored.Count} stored, {refused} refused");
        Assert.True(stored.Count > 20 && refused > 20, $"{stored.Count} stored, {refused} refused");

        await AssertReadsAreWellFormedAsync(farm, stored);
        Assert.DoesNotContain(farm.Server.Log, line => line.StartsWith("fail:", StringComparison.Ordinal)
            || line.StartsWith("crit:", StringComparison.Ordinal) || line.StartsWith("warn:", StringComparison.Ordinal));
    }

    private async Task AssertReadsAreWellFormedAsync(Farm farm, List<string> stored)
    {
        foreach (var format in new[] { "text", "openmetrics" })
        {
            using var response = await farm.Http.GetAsync($"/metrics?format={format}");
            Assert.Equal(200, (int)response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            var scrape = Exposition.Parse(text);
            Assert.All(scrape.Samples.Where(s => s.Name.StartsWith("blender_", StringComparison.Ordinal) || s.Name.StartsWith("renderfarm_", StringComparison.Ordinal)),
                s => Assert.True(double.IsFinite(s.Value), $"{format}: {s.Name} is {s.Value}"));
            if (format == "text")
            {
                var (exit, promtool) = await Tools.RunAsync("promtool", ["check", "metrics"], stdin: text);
                Assert.True(exit == 0, promtool);
            }
        }

        // The JSON API, every page of it, as the farm page and scripts read it.
        var instances = 0;
        for (var path = "/api/instances?pageSize=50"; path is not null;)
        {
            var (status, body, _) = await farm.GetJsonAsync(path);
            Assert.Equal(200, status);
            instances += body.GetProperty("instances").GetArrayLength();
            path = body.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }

        Assert.Equal(stored.Count, instances);
        foreach (var path in new[]
        {
            $"/api/hosts/{Host}", "/api/summary", "/api/lost-renders", "/api/instances?orderBy=job.progress%20desc",
            "/api/instances?orderBy=currentFrame", "/api/instances?orderBy=framesRendered%20desc",
        })
        {
            var (status, _, contentType) = await farm.GetJsonAsync(path);
            Assert.True(status == 200, $"{path}: {status}");
            Assert.Equal("application/json", contentType);
        }

        using (var page = await farm.Http.GetAsync("/"))
        {
            Assert.Equal(200, (int)page.StatusCode);
        }

        // gRPC, both transports, every page and every instance on its own.
        foreach (var client in new[] { farm.NativeStatus, farm.WebStatus })
        {
            var listed = new List<InstanceStatus>();
            var token = "";
            do
            {
                var reply = await client.ListInstancesAsync(new ListInstancesRequest { Host = Host, PageToken = token, PageSize = 40 });
                listed.AddRange(reply.Instances);
                token = reply.NextPageToken;
            }
            while (token != "");

            Assert.Equal(instances, listed.Count);
            foreach (var instance in listed.Take(10))
            {
                Assert.Equal(instance.Instance, (await client.GetInstanceAsync(new GetInstanceRequest { Host = Host, Instance = instance.Instance })).Instance);
            }
        }

        // The check reads the host and single instances: an answer, never UNKNOWN for what the server stored.
        var (hostExit, hostLine) = await CheckProcess.CheckAsync(output, farm.Server.HttpAddress, "--host", Host);
        Assert.True(hostExit is 0 or 1 or 2, hostLine);
        foreach (var instance in stored.Where((_, n) => n % 25 == 1))
        {
            var (exit, line) = await CheckProcess.CheckAsync(output, farm.Server.HttpAddress, "--host", Host, "--instance", instance);
            Assert.True(exit == 0, line);
        }
    }

    private static bool IsNumber(FieldDescriptor field) => field.FieldType is FieldType.Double or FieldType.Int32 or FieldType.UInt32
        or FieldType.UInt64 or FieldType.Enum;

    /// <summary>A rendering instance halfway through frames 1-10, one frame done: the report every variant starts from.</summary>
    private static ReportRequest Base()
    {
        var report = Farm.Report(Host, rendering: true, frame: 1, job: (1, 10));
        report.FramesRendered = 1;
        report.RenderSeconds = 1.5;
        report.LastFrameSeconds = 1.5;
        report.ProcessCpuSeconds = 3;
        report.FrameSecondsCounts.AddRange([0, 1, .. new ulong[11]]);
        report.FrameSecondsSum = 1.5;
        report.Samples = 64;
        return report;
    }

    private static IEnumerable<ReportRequest> Variants(FieldDescriptor field)
    {
        if (field.IsRepeated)
        {
            foreach (var count in Unsigned.Concat([1_000_000_000UL / 13, 1_000_000_000UL]))
            {
                var all = Base();
                all.FrameSecondsCounts.Clear();
                all.FrameSecondsCounts.AddRange(Enumerable.Repeat(count, 13));
                yield return all;
                var one = Base();
                one.FrameSecondsCounts[12] = count;
                // The sum as large as the counts allow, and one more.
                one.FrameSecondsSum = Math.Min(double.MaxValue, (count + 1.0) * 1e7);
                yield return one;
            }

            yield break;
        }

        IEnumerable<object> values = field.FieldType switch
        {
            FieldType.Double => Doubles.Cast<object>(),
            FieldType.Enum => new object[] { (RenderState)(-1), (RenderState)3, (RenderState)int.MaxValue },
            FieldType.Int32 => Integers.Where(v => v is >= int.MinValue and <= int.MaxValue).Select(v => (object)(int)v),
            FieldType.UInt32 => Integers.Where(v => v is >= 0 and <= uint.MaxValue).Select(v => (object)(uint)v),
            _ => Integers.Where(v => v >= 0).Select(v => (object)(ulong)v).Concat(Unsigned.Cast<object>()),
        };
        foreach (var value in values)
        {
            var report = Base();
            field.Accessor.SetValue(report, value);
            yield return report;
            if (field.Name == "current_frame" || field.FieldType == FieldType.Double)
            {
                // The same value where the range spans Blender's every frame: frames left times the mean frame time at its largest.
                var wide = report.Clone();
                wide.JobFrameStart = -1_048_574;
                wide.JobFrameEnd = 1_048_574;
                wide.CurrentFrame = field.Name == "current_frame" ? wide.CurrentFrame : -1_048_574;
                wide.FrameSecondsSum = field.Name == "frame_seconds_sum" ? wide.FrameSecondsSum : 1e7;
                yield return wide;
            }
        }
    }
}
