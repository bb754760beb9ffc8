using System.IO.Pipelines;
using System.Text;
using RenderFarm.Server.Exposition;
using RenderFarm.Testing;

namespace RenderFarm.UnitTests;

public class FarmExpositionTests
{
    [Fact]
    public async Task Every_metric_of_an_instance_is_written_with_its_labels()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(rendering: true) with
        {
            CurrentFrame = 42,
            FramesRendered = 7,
            RenderSeconds = 12.5,
            LastFrameSeconds = 1.75,
            ProcessCpuSeconds = 30.25,
            ResidentMemoryBytes = 1_500_000_000,
            BlendFile = "/projects/shot010/lighting.blend",
        });

        var scrape = await ScrapeAsync(registry);

        Assert.Equal(1, scrape.Instance("Blender_Render", "node01", "0"));
        Assert.Equal(42, scrape.Instance("blender_current_frame", "node01", "0"));
        Assert.Equal(7, scrape.Instance("blender_frames_rendered_total", "node01", "0"));
        Assert.Equal(12.5, scrape.Instance("blender_render_seconds_total", "node01", "0"));
        Assert.Equal(1.75, scrape.Instance("blender_last_frame_seconds", "node01", "0"));
        Assert.Equal(30.25, scrape.Instance("blender_process_cpu_seconds_total", "node01", "0"));
        Assert.Equal(1_500_000_000, scrape.Instance("blender_process_resident_memory_bytes", "node01", "0"));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(),
            scrape.Instance("blender_instance_last_seen_timestamp_seconds", "node01", "0"));
        var info = Assert.Single(scrape.Series("blender_instance_info"));
        Assert.Equal("3.4.1", info.Label("blender_version"));
        Assert.Equal("1.0.0", info.Label("addon_version"));
        Assert.Equal("CYCLES", info.Label("engine"));
        Assert.Equal("/projects/shot010/lighting.blend", info.Label("file"));
        Assert.Equal(1, scrape.Value("renderfarm_instances", ("state", "rendering")));
        Assert.Equal(0, scrape.Value("renderfarm_instances", ("state", "idle")));
    }

    [Fact]
    public async Task Values_a_platform_does_not_know_are_absent_rather_than_zero()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid());

        var scrape = await ScrapeAsync(registry);

        Assert.Null(scrape.Instance("blender_process_resident_memory_bytes", "node01", "0"));
        Assert.Null(scrape.Instance("blender_last_frame_seconds", "node01", "0"));
        Assert.Equal(0, scrape.Instance("Blender_Render", "node01", "0"));
    }

    [Fact]
    public async Task Every_family_has_help_and_a_type()
    {
        var (registry, _) = Reports.NewRegistry();

        var scrape = await ScrapeAsync(registry);

        string[] families =
        [
            "Blender_Render", "blender_instance_info", "blender_current_frame", "blender_frames_rendered_total",
            "blender_render_seconds_total", "blender_last_frame_seconds", "blender_process_cpu_seconds_total",
            "blender_process_resident_memory_bytes", "blender_instance_last_seen_timestamp_seconds",
            "renderfarm_instances", "renderfarm_instances_expired_total", "renderfarm_instances_signed_off_total",
        ];
        foreach (var family in families)
        {
            Assert.True(scrape.Types.ContainsKey(family), family);
            Assert.False(string.IsNullOrWhiteSpace(scrape.Helps[family]), family);
        }

        Assert.Equal("counter", scrape.Types["blender_frames_rendered_total"]);
        Assert.Equal("gauge", scrape.Types["Blender_Render"]);
    }

    [Theory]
    [InlineData("quote \" inside")]
    [InlineData("back\\slash")]
    [InlineData("line\nfeed")]
    [InlineData("ünïcødé 渲染 😀")]
    [InlineData("all \\\" \n together\\n")]
    public async Task Free_text_label_values_survive_the_round_trip(string text)
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid() with { Engine = text, BlenderVersion = text });

        var scrape = await ScrapeAsync(registry);

        var info = Assert.Single(scrape.Series("blender_instance_info"));
        Assert.Equal(text, info.Label("engine"));
        Assert.Equal(text, info.Label("blender_version"));
    }

    [Fact]
    public async Task Info_labels_follow_a_changed_value_on_the_next_scrape()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid());
        Assert.Equal("CYCLES", Assert.Single((await ScrapeAsync(registry)).Series("blender_instance_info")).Label("engine"));

        registry.Apply(Reports.Valid(sequence: 2) with { Engine = "BLENDER_EEVEE_NEXT" });

        var info = Assert.Single((await ScrapeAsync(registry)).Series("blender_instance_info"));
        Assert.Equal("BLENDER_EEVEE_NEXT", info.Label("engine"));
        Assert.Equal("3.4.1", info.Label("blender_version"));
    }

    [Fact]
    public async Task Removed_instances_leave_no_series_behind_and_are_counted()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(instance: "a"));
        registry.Apply(Reports.Valid(instance: "b"));
        registry.SignOff("node01", "a", "s1");
        time.Advance(Reports.Ttl);
        registry.RemoveExpired();

        var scrape = await ScrapeAsync(registry);

        Assert.DoesNotContain(scrape.Samples, s => s.Labels.ContainsKey("host"));
        Assert.Equal(1, scrape.Value("renderfarm_instances_signed_off_total"));
        Assert.Equal(1, scrape.Value("renderfarm_instances_expired_total"));
    }

    [Fact]
    public async Task Large_registries_are_written_completely_across_flushes()
    {
        var (registry, _) = Reports.NewRegistry(maxInstances: 5000);
        for (var i = 0; i < 5000; i++)
        {
            registry.Apply(Reports.Valid(host: $"node{i / 8}", instance: (i % 8).ToString(), rendering: i % 3 == 0));
        }

        var scrape = await ScrapeAsync(registry);

        Assert.Equal(5000, scrape.Series("Blender_Render").Count());
        Assert.Equal(1667, scrape.Series("Blender_Render").Count(s => s.Value == 1));
        Assert.Equal(1667, scrape.Value("renderfarm_instances", ("state", "rendering")));
        Assert.Equal(3333, scrape.Value("renderfarm_instances", ("state", "idle")));
    }

    [Fact]
    public async Task The_render_state_of_every_instance_comes_before_any_other_sample()
    {
        var (registry, _) = Reports.NewRegistry(maxInstances: 2000);
        for (var i = 0; i < 2000; i++)
        {
            registry.Apply(Reports.Valid(instance: i.ToString(), rendering: i % 2 == 0));
        }

        var scrape = await ScrapeAsync(registry);

        var names = scrape.Samples.Select(s => s.Name).ToList();
        Assert.Equal(2000, names.TakeWhile(n => n == "Blender_Render").Count());
        Assert.DoesNotContain("Blender_Render", names.Skip(2000));
        Assert.Equal(1000, scrape.Value("renderfarm_instances", ("state", "rendering")));
    }

    internal static async Task<Exposition> ScrapeAsync(InstanceRegistry registry) =>
        Exposition.Parse(await ScrapeTextAsync(registry));

    internal static async Task<string> ScrapeTextAsync(InstanceRegistry registry)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await FarmExposition.WriteAsync(pipe.Writer, registry, CancellationToken.None);
        await pipe.Writer.CompleteAsync();
        using var stream = pipe.Reader.AsStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
