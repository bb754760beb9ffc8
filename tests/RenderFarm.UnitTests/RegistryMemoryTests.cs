using Xunit.Abstractions;

namespace RenderFarm.UnitTests;

/// <summary>
/// Bytes of managed heap the registry holds per instance, measured after a full GC: for a farm
/// whose free text repeats (one job on many nodes) and for the worst strings a report may carry.
/// </summary>
[Collection(Alone)]
public class RegistryMemoryTests(ITestOutputHelper output)
{
    /// <summary>The heap is the whole process's: no other test class may allocate while this one measures.</summary>
    public const string Alone = "Measures the whole process's heap";

    private const int Instances = 20_000;

    /// <summary>README's worst-case figure: 110-character names, 128-character session ids, every free text 256 characters and its own.</summary>
    private const int WorstCaseBytesPerInstance = 6 * 1024;

    [Fact]
    public void Free_text_that_repeats_across_instances_is_stored_once()
    {
        var perInstance = BytesPerInstance(n => Reports.Valid(host: $"render-{n / 4:D5}", instance: $"{n % 4}", session: $"{Guid.NewGuid():N}") with
        {
            // Many nodes on one job: the same long texts, each read off its own request.
            BlenderVersion = new string("4.2.3 LTS".AsSpan()),
            AddonVersion = new string("1.0.0".AsSpan()),
            Engine = new string("CYCLES".AsSpan()),
            Scene = new string("Scene".AsSpan()),
            BlendFile = string.Concat("/projects/shot010/lighting/", new string('x', 200), ".blend"),
        });

        Assert.True(perInstance < 1200, $"{perInstance:F0} B per instance with shared free text");
    }

    [Fact]
    public void Worst_case_strings_stay_within_the_documented_figure()
    {
        var perInstance = BytesPerInstance(n => new InstanceReport
        {
            Host = $"{n:D10}{new string('h', 100)}",
            Instance = $"{n:D10}{new string('i', 100)}",
            SessionId = $"{n:D10}{new string('s', 118)}",
            Sequence = 1,
            // Distinct per instance, so nothing can be shared, and a quote in each label value to escape.
            BlenderVersion = Text(n, 'v'),
            AddonVersion = Text(n, 'a'),
            Engine = Text(n, 'e'),
            Scene = Text(n, 'c'),
            BlendFile = Text(n, 'f'),
        });

        Assert.True(perInstance <= WorstCaseBytesPerInstance, $"{perInstance:F0} B per instance with worst-case strings");
    }

    private static string Text(int n, char filler) => $"{n:D10}\"{new string(filler, ReportRules.MaxTextLength - 11)}";

    private double BytesPerInstance(Func<int, InstanceReport> report)
    {
        var (registry, _) = Reports.NewRegistry(maxInstances: Instances);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var n = 0; n < Instances; n++)
        {
            Assert.Equal(ReportOutcome.Applied, registry.Apply(report(n)).Outcome);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(registry);
        var perInstance = (after - before) / (double)Instances;
        output.WriteLine($"{Instances:N0} instances: {perInstance:F0} B of managed heap each");
        return perInstance;
    }
}

[CollectionDefinition(RegistryMemoryTests.Alone, DisableParallelization = true)]
public sealed class RegistryMemoryMeasuredAlone;
