using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;
using Grpc.Core;
using RenderFarm.Contracts.V1;

namespace RenderFarm.IntegrationTests;

/// <summary>
/// The contract carried once, checked from the descriptors: every field of <c>ReportRequest</c> changes what
/// <c>/metrics</c> or the status API show (a field the server drops, in its mapping or its exposition, fails here by
/// name), and every rpc of <c>Reporter</c> and <c>FarmStatus</c> is bound (never silently UNIMPLEMENTED).
/// </summary>
public class ContractTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    // They say who reports and in which order, not what the instance is doing: ReportingTests cover them.
    private static readonly HashSet<string> IdentityFields = ["host", "instance", "session_id", "sequence"];

    // They change with every report whatever it carries.
    private static readonly string[] Moving = ["blender_instance_last_seen_timestamp_seconds"];
    private static readonly string[] MovingJson = ["lastSeen", "ageSeconds", "lastReportAgeSeconds", "secondsSinceLastReport"];

    // Frame-time buckets of a report: one per bound on the .proto's frame-seconds-bounds line, and one above.
    private const int FrameBuckets = 13;

    private Farm Farm => fixture.Farm;

    [Fact]
    public async Task Every_report_field_reaches_metrics_or_the_status_api()
    {
        var dropped = new List<string>();
        foreach (var field in ReportRequest.Descriptor.Fields.InFieldNumberOrder().Where(f => !IdentityFields.Contains(f.Name)))
        {
            var probeHost = $"contract-{field.Name.Replace('_', '-')}";
            var baselineHost = probeHost + "-baseline";
            var probe = Baseline(probeHost);
            if (field.IsRepeated)
            {
                // The one list: frame-time buckets, one per bound and one above; the baseline has one frame in the first.
                var list = (Google.Protobuf.Collections.RepeatedField<ulong>)field.Accessor.GetValue(probe);
                list.Clear();
                list.AddRange(Enumerable.Repeat(1UL, FrameBuckets));
            }
            else
            {
                field.Accessor.SetValue(probe, DistinctValue(field));
            }

            await Farm.Native.ReportAsync(Baseline(baselineHost));
            await Farm.Native.ReportAsync(probe);

            if (await ShownAsync(probeHost) == await ShownAsync(baselineHost))
            {
                dropped.Add(field.Name);
            }
        }

        Assert.True(dropped.Count == 0, $"ReportRequest fields that never reach /metrics or the status API: {string.Join(", ", dropped)}");
    }

    [Fact]
    public async Task A_report_without_a_field_the_server_shows_is_told_apart_from_one_with_it()
    {
        // The check above can fail: a report that differs only in a shown field is seen to differ.
        await Farm.Native.ReportAsync(Farm.Report("contract-self-a"));
        var changed = Farm.Report("contract-self-b");
        changed.CurrentFrame = 77;
        await Farm.Native.ReportAsync(changed);
        Assert.NotEqual(await ShownAsync("contract-self-a"), await ShownAsync("contract-self-b"));
    }

    public static TheoryData<string, string> Rpcs()
    {
        var data = new TheoryData<string, string>();
        foreach (var service in new[] { Reporter.Descriptor, FarmStatus.Descriptor })
        {
            foreach (var method in service.Methods)
            {
                data.Add(service.FullName, method.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task Every_rpc_of_the_contract_is_served_on_both_transports(string service, string method)
    {
        foreach (var channel in new[] { TestChannels.Native(fixture.Server), TestChannels.GrpcWeb(fixture.Server) })
        {
            using (channel)
            {
                var status = await UnaryProbe.StatusAsync(channel.CreateCallInvoker(), service, method);
                Assert.True(status != StatusCode.Unimplemented, $"{service}/{method} is not bound ({channel.Target})");
            }
        }
    }

    // A job range on both, so the probe of one end still makes a valid range (4242 lies within it); frame-time
    // buckets (one frame, under a second) on both, so that the histogram's sum shows and may be more than 0.
    private static ReportRequest Baseline(string host)
    {
        var report = Farm.Report(host);
        report.JobFrameStart = 1;
        report.JobFrameEnd = 5000;
        report.FrameSecondsCounts.AddRange([1UL, .. Enumerable.Repeat(0UL, FrameBuckets - 1)]);
        return report;
    }

    private static object DistinctValue(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.String => "contract-probe",
        FieldType.Int32 => 4242,
        FieldType.UInt64 => 4242UL,
        FieldType.UInt32 => 4242U,
        FieldType.Double => 42.5,
        FieldType.Enum => field.EnumType.Values.Max(v => v.Number),
        _ => throw new InvalidOperationException($"{field.Name}: no probe value for {field.FieldType}; add one here"),
    };

    /// <summary>What the server shows of the host's instance, with the host name and the moving parts taken out.</summary>
    private async Task<string> ShownAsync(string host)
    {
        var series = (await Farm.SeriesOfHostAsync(host))
            .Where(s => !Moving.Any(m => s.StartsWith(m, StringComparison.Ordinal)))
            .Select(s => s.Replace(host, "HOST", StringComparison.Ordinal));
        using var response = await Farm.Http.GetAsync($"/api/hosts/{host}");
        response.EnsureSuccessStatusCode();
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Strip(json);
        return string.Join('\n', series) + "\n" + json.ToJsonString().Replace(host, "HOST", StringComparison.Ordinal);
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).Where(k => MovingJson.Contains(k)).ToList())
                {
                    obj.Remove(key);
                }

                foreach (var (_, child) in obj)
                {
                    Strip(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Strip(child);
                }

                break;
        }
    }
}
