using System.Text.RegularExpressions;

namespace RenderFarm.DeployTests;

public partial class DashboardTests
{
    [Fact]
    public void Every_panel_and_query_uses_the_datasource_variable()
    {
        Assert.Contains(Expressions.Variables, v => v["name"]!.ToString() == "datasource" && v["type"]!.ToString() == "datasource");
        foreach (var panel in Expressions.Panels.Where(p => p["type"]!.ToString() != "row"))
        {
            Assert.Equal("$datasource", panel["datasource"]!["uid"]!.ToString());
            Assert.All(panel["targets"]!.AsArray(), t => Assert.Equal("$datasource", t!["datasource"]!["uid"]!.ToString()));
        }
    }

    [Fact]
    public void Host_and_instance_variables_list_the_reporters_labels()
    {
        foreach (var name in new[] { "host", "instance" })
        {
            var variable = Assert.Single(Expressions.Variables, v => v["name"]!.ToString() == name);
            Assert.Equal("$datasource", variable["datasource"]!["uid"]!.ToString());
            Assert.EndsWith($", {name})", variable["definition"]!.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Panel_ids_are_unique_and_the_required_panels_exist()
    {
        var panels = Expressions.Panels.ToList();
        Assert.Equal(panels.Count, panels.Select(p => p["id"]!.GetValue<int>()).Distinct().Count());
        var titles = panels.Select(p => p["title"]!.ToString()).ToHashSet();
        foreach (var title in new[] { "Rendering and idle", "Utilisation", "Host state", "Frames per hour", "Average frame time", "Files being rendered",
                     "CPU per instance", "Memory per instance", "Lost instances" })
        {
            Assert.Contains(title, titles);
        }

        Assert.Equal("state-timeline", panels.Single(p => p["title"]!.ToString() == "Host state")["type"]!.ToString());
    }

    [Fact]
    public void Every_per_instance_query_and_alert_merges_replicas_with_max_by_host_instance()
    {
        var queries = Expressions.PanelQueries.Concat(Expressions.Alerts).ToList();
        Assert.NotEmpty(queries);
        foreach (var (name, expr) in queries)
        {
            // Each use of a per-instance metric sits inside a max by (host, instance), perhaps keeping a label
            // more (the file of blender_instance_info).
            var uses = PerInstanceMetric().Count(expr);
            var merged = Regex.Count(expr, @"max by \(host, instance(, \w+)*\) \(");
            Assert.True(uses <= merged, $"{name}: {uses} per-instance series but {merged} max by (host, instance) in {expr}");
        }
    }

    [Fact]
    public void Every_query_of_the_per_host_frame_times_sums_the_replicas_rates()
    {
        // Each replica holds the frames of the sessions that reported to it: the host's frames are their sum, and a
        // counter is summed only after rate() or increase() (a sum of counters resets whenever one replica restarts).
        var queries = Expressions.PanelQueries.Where(q => HostFrameTimes().IsMatch(q.Expr)).ToList();
        Assert.NotEmpty(queries);
        foreach (var (name, expr) in queries)
        {
            var uses = HostFrameTimes().Count(expr);
            var summed = Regex.Count(expr, @"sum( by \([\w, ]+\))? ?\((rate|increase)\(blender_frame_render_seconds_");
            Assert.True(uses == summed, $"{name}: {uses} uses of the per-host frame times but {summed} sums of their rate in {expr}");
        }
    }

    /// <summary>Families labelled host and instance: all the reporters' but the per-host frame-time histogram.</summary>
    [GeneratedRegex(@"\b(Blender_Render|blender_(?!frame_render_seconds_)\w+)\{")]
    private static partial Regex PerInstanceMetric();

    [GeneratedRegex(@"\bblender_frame_render_seconds_\w+\{")]
    private static partial Regex HostFrameTimes();
}
