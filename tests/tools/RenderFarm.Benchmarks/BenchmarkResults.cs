using System.Globalization;
using System.Text;

namespace RenderFarm.Benchmarks;

/// <summary>One line of the comparison table: our figure, what it is compared with, and the target.</summary>
public sealed record ComparisonRow(string Measure, string Ours, string Reference, string Ratio, string Target, bool? Met);

/// <summary>Everything one benchmark run measured, and how it reads as a table and as the results file.</summary>
public sealed record BenchmarkResults(
    Machine Machine, string PushgatewayVersion, BenchmarkSettings Settings, IngestResults Ingest, SizeResults Sizes,
    MemoryFigure WorstCase, ExpiryFigure Expiry, IReadOnlyList<OverheadFigure> Overhead, DateTimeOffset Started, TimeSpan Took)
{
    private const double KiB = 1024;

    public IReadOnlyList<ComparisonRow> Rows()
    {
        var rows = new List<ComparisonRow>();
        var ingest = Ingest;
        var workload = $"{Size(Settings.IngestInstances)} instances, {Settings.Concurrency} in flight";
        var ours = ingest.Ours.Result;
        rows.Add(new($"Ingest reports/s ({workload})", Rate(ours.CallsPerSecond),
            $"do-nothing server {Rate(ingest.DoNothing.Result.CallsPerSecond)}",
            Times(ours.CallsPerSecond / ingest.DoNothing.Result.CallsPerSecond), "≥ 0.80×",
            ours.CallsPerSecond >= 0.8 * ingest.DoNothing.Result.CallsPerSecond));
        rows.Add(new("Ingest reports/s against Pushgateway, fastest", Rate(ours.CallsPerSecond),
            $"{ingest.PushgatewayFastest.Name} {Rate(ingest.PushgatewayFastest.Result.CallsPerSecond)}",
            Times(ours.CallsPerSecond / ingest.PushgatewayFastest.Result.CallsPerSecond), "≥ 2×",
            ours.CallsPerSecond >= 2 * ingest.PushgatewayFastest.Result.CallsPerSecond));
        rows.Add(new("Ingest reports/s against Pushgateway, as shipped", Rate(ours.CallsPerSecond),
            $"{ingest.PushgatewayShipped.Name} {Rate(ingest.PushgatewayShipped.Result.CallsPerSecond)}",
            Times(ours.CallsPerSecond / ingest.PushgatewayShipped.Result.CallsPerSecond), "", null));
        rows.Add(new("Ingest latency p50 / p99", Latency(ours),
            $"do-nothing {Latency(ingest.DoNothing.Result)}; Pushgateway fastest {Latency(ingest.PushgatewayFastest.Result)}",
            Times(ours.P99 / ingest.DoNothing.Result.P99) + " (p99)", "", null));

        foreach (var (ways, (o, p)) in new[] { ("", (Sizes.Ours, Sizes.Pushgateway)),
            (" as Prometheus asks (OpenMetrics, gzip)", (Sizes.OursAsPrometheus, Sizes.PushgatewayAsPrometheus)) })
        {
            foreach (var (ourFigure, theirFigure) in o.Zip(p))
            {
                ScrapeRows(rows, ways, ourFigure, theirFigure);
            }
        }

        if (Sizes.Status is { } status)
        {
            rows.Add(new($"/api/instances first page, {Size(status.Instances)} instances", Ms(status.FirstPage), Bytes(status.FirstPageBytes), "",
                "every reply well under 4 MB", status.FirstPageBytes < 2 * KiB * KiB));
            rows.Add(new($"/api/instances, every page, {Size(status.Instances)} instances", $"{status.Walk.TotalSeconds:F1} s",
                $"{status.Pages} pages, {Bytes(status.WalkBytes)}", "", "each instance once", status.Listed == status.Instances));
        }

        if (Sizes.PagePoll is { } poll)
        {
            rows.Add(new($"Farm page's poll (summary and its 100 rows), {Size(poll.Instances)} instances",
                $"{Bytes(poll.BytesPerSecond)}/s", $"{Bytes(poll.BytesPerPoll)} a poll, {Ms(poll.PollTime)}", "", "< 100 KB/s",
                poll.BytesPerSecond < 100_000));
        }

        var memory = Sizes.Memory;
        rows.Add(new($"Managed heap per instance, {Size(memory.Instances)} instances, after full GC", Bytes(memory.HeapPerInstance), "", "",
            "≤ 2 KiB", memory.HeapPerInstance <= 2 * KiB));
        rows.Add(new($"Resident memory per instance, {Size(memory.Instances)} instances, after full GC", Bytes(memory.RssPerInstance), "", "",
            "≤ 2 KiB", memory.RssPerInstance <= 2 * KiB));
        rows.Add(new($"Managed heap per instance, worst-case strings, {Size(WorstCase.Instances)} instances, after full GC",
            Bytes(WorstCase.HeapPerInstance), "", "", "≤ 6 KiB (README's worst case)", WorstCase.HeapPerInstance <= 6 * KiB));

        var visibility = Sizes.Visibility;
        rows.Add(new($"Visibility, reply to /metrics, {Size(visibility.Instances)} instances (p50 / p99)",
            $"{Ms(visibility.P50)} / {Ms(visibility.P99)}", "", "", "p99 ≤ 5 ms", visibility.P99 <= TimeSpan.FromMilliseconds(5)));
        rows.Add(new($"Expiry, time past TTL until gone, {Size(Expiry.Instances)} instances (p50 / p99 / max)",
            $"{Ms(Expiry.P50)} / {Ms(Expiry.P99)} / {Ms(Expiry.Max)}", "", "", "≤ 1 s, none early",
            Expiry.Max <= TimeSpan.FromSeconds(1) && Expiry.Early == 0 && Expiry.NeverGone == 0));
        rows.AddRange(OverheadRows(Overhead));
        return rows;
    }

    private static void ScrapeRows(List<ComparisonRow> rows, string ways, ScrapeFigure o, ScrapeFigure p)
    {
        var limit = o.Instances switch
        {
            10_000 => TimeSpan.FromMilliseconds(50),
            100_000 => TimeSpan.FromMilliseconds(500),
            _ => (TimeSpan?)null,
        };
        var target = limit is { } l ? $"≤ {l.TotalMilliseconds:F0} ms, faster than Pushgateway" : "faster than Pushgateway";
        rows.Add(new($"Scrape time{ways}, {Size(o.Instances)} instances (median)", Ms(o.Median), $"Pushgateway {Ms(p.Median)}",
            Faster(p.Median / o.Median), target, o.Median < p.Median && (limit is null || o.Median <= limit)));
        rows.Add(new($"Scrape size on the wire{ways}, {Size(o.Instances)} instances", Bytes(o.Bytes), $"Pushgateway {Bytes(p.Bytes)}",
            Times((double)o.Bytes / p.Bytes), "", null));
    }

    /// <summary>Three rows per Blender: the render's overhead against the limit, the same in CPU time, and the add-on's cost per process.</summary>
    public static IEnumerable<ComparisonRow> OverheadRows(IEnumerable<OverheadFigure> overhead)
    {
        foreach (var o in overhead)
        {
            var render = o.RenderOverhead;
            yield return new($"Render overhead of the add-on, {o.Blender}, {o.Frames} frames (median of {o.Rounds.Count} rounds' ratios)",
                $"{Percent(render.Median)} (middle half {Percent(render.LowerQuartile)} … {Percent(render.UpperQuartile)})",
                $"without the add-on {Seconds(o.MedianWithout.Render)}",
                $"{1 + render.Median:F3}×", $"≤ {OverheadFigure.Limit * 100:0.#} %", o.WithinLimit);
            var cpu = o.RenderCpuOverhead;
            yield return new($"Render CPU time overhead of the add-on, {o.Blender}, {o.Frames} frames (median of {o.Rounds.Count} rounds' ratios)",
                $"{Percent(cpu.Median)} (middle half {Percent(cpu.LowerQuartile)} … {Percent(cpu.UpperQuartile)})",
                $"without the add-on {Seconds(o.MedianWithout.RenderCpu)} CPU", $"{1 + cpu.Median:F3}×", "", null);
            yield return new($"Start-up and exit cost of the add-on per Blender process, {o.Blender} (median of rounds' differences)",
                $"{SignedSeconds(o.StartUpCost.Median)} start-up, {SignedSeconds(o.ExitCost.Median)} exit",
                $"without the add-on {Seconds(o.MedianWithout.StartUp)} start-up, " +
                $"{Seconds(o.MedianWithout.Exit)} exit", "", "", null);
        }
    }

    /// <summary>The comparison as an aligned plain-text table, for the terminal.</summary>
    public string ToTable() => Table(Rows());

    /// <summary>Rows as an aligned plain-text table.</summary>
    public static string Table(IEnumerable<ComparisonRow> rows)
    {
        string[] header = ["measure", "RenderFarm", "compared with", "ratio", "target", "met"];
        var cells = rows.Select(r => new[] { r.Measure, r.Ours, r.Reference, r.Ratio, r.Target, Met(r.Met) }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => cells.Max(row => row[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in cells)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }

        return text.ToString();
    }

    public string ToMarkdown(string? note)
    {
        var m = new StringBuilder();
        m.AppendLine("# RenderFarm benchmark results").AppendLine();
        if (!string.IsNullOrWhiteSpace(note))
        {
            m.AppendLine($"> {note.Trim()}").AppendLine();
        }

        m.AppendLine("Written by `dotnet run --project tests/tools/RenderFarm.Benchmarks -c Release`, which runs every measure below")
            .AppendLine("in one go, the generator on the same machine as the servers. Each comparison is made side by side")
            .AppendLine("in the same run and given as a ratio, which moves less from machine to machine than the times do.")
            .AppendLine();
        m.AppendLine($"Run {Started:yyyy-MM-dd HH:mm} UTC, took {Took.TotalMinutes:F1} min.").AppendLine();

        m.AppendLine("## Machine").AppendLine();
        m.AppendLine("| CPU | cores | memory | OS | .NET | Pushgateway | load average at start |");
        m.AppendLine("|---|---|---|---|---|---|---|");
        m.AppendLine($"| {Machine.Cpu} | {Machine.Cores} | {Machine.Memory} | {Machine.OperatingSystem} | {Machine.DotNet} | {PushgatewayVersion} | {Machine.LoadAverage} |");
        m.AppendLine();

        m.AppendLine("## Against the targets").AppendLine();
        m.AppendLine("| measure | RenderFarm | compared with | ratio | target | met |");
        m.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in Rows())
        {
            m.AppendLine($"| {r.Measure} | {r.Ours} | {r.Reference} | {r.Ratio} | {r.Target} | {Met(r.Met)} |");
        }

        m.AppendLine();
        m.AppendLine("## Details").AppendLine();
        m.AppendLine($"Ingest: {Settings.IngestInstances:N0} instances, {Settings.Concurrency} calls in flight, " +
            $"{Settings.IngestWarmup.TotalSeconds:0.#} s warm-up, {Settings.IngestDuration.TotalSeconds:0.#} s measured; " +
            $"our server and the do-nothing server take turns {Settings.IngestRounds} time(s), the best round of each counts. " +
            $"gRPC over {Settings.Connections} HTTP/2 connections; Pushgateway over one HTTP/1.1 connection per call in flight. " +
            "About 1 % of calls are sign-offs (the next report of that instance starts a new session), 5 % flip the render state, " +
            "the rest are heartbeats and finished frames.").AppendLine();
        m.AppendLine("| side | calls/s | p50 | p99 | max | errors | note |");
        m.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var side in new[] { Ingest.Ours, Ingest.DoNothing, Ingest.PushgatewayFastest, Ingest.PushgatewayShipped })
        {
            var r = side.Result;
            m.AppendLine($"| {side.Name} | {Rate(r.CallsPerSecond)} | {Ms(r.P50)} | {Ms(r.P99)} | {Ms(r.Max)} | {r.Errors} | {side.Detail} |");
        }

        m.AppendLine();
        m.AppendLine($"Scrape: median and fastest of {Settings.ScrapeRepeats} scrapes each way after one unmeasured, timed from " +
            "sending the request to reading the last byte: plain (classic text, uncompressed) and as Prometheus asks by default " +
            "(its Accept header, which prefers OpenMetrics 1.0, and gzip; the body counted compressed, as it travels, and not " +
            "decompressed), alternating. Pushgateway holds the same instances, one group each, pushed as each Blender would push " +
            "its own state (so the frame-time histogram is per instance there, where our server keeps one per host; Pushgateway " +
            "adds `push_time_seconds` and `push_failure_time_seconds` per group).").AppendLine();
        m.AppendLine("| instances | asked | ours median | ours fastest | ours bytes | Pushgateway median | Pushgateway fastest | Pushgateway bytes |");
        m.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (asked, (ours, pushgateway)) in new[] { ("plain", (Sizes.Ours, Sizes.Pushgateway)),
            ("as Prometheus", (Sizes.OursAsPrometheus, Sizes.PushgatewayAsPrometheus)) })
        {
            foreach (var (o, p) in ours.Zip(pushgateway))
            {
                m.AppendLine($"| {o.Instances:N0} | {asked} | {Ms(o.Median)} | {Ms(o.Fastest)} | {o.Bytes:N0} | {Ms(p.Median)} | {Ms(p.Fastest)} | {p.Bytes:N0} |");
            }
        }

        var memory = Sizes.Memory;
        m.AppendLine();
        m.AppendLine($"Memory, from the server's own `dotnet_total_memory_bytes` and `process_working_set_bytes`, each read right " +
            $"after a full GC forced through the diagnostics port: empty (after one scrape) {Bytes(memory.HeapEmpty)} heap, " +
            $"{Bytes(memory.RssEmpty)} RSS; holding {memory.Instances:N0} instances (after the scrapes above) {Bytes(memory.HeapFull)} heap, " +
            $"{Bytes(memory.RssFull)} RSS. With worst-case strings (110-character host and instance, 128-character session id, " +
            $"five distinct 256-character texts, nothing shared) on a fresh server: {WorstCase.Instances:N0} instances " +
            $"{Bytes(WorstCase.HeapFull)} heap, {Bytes(WorstCase.RssFull)} RSS, {Bytes(WorstCase.HeapPerInstance)} heap and " +
            $"{Bytes(WorstCase.RssPerInstance)} RSS per instance.").AppendLine();
        var v = Sizes.Visibility;
        m.AppendLine($"Visibility: {v.Samples} render-state flips of probe instances among {v.Instances:N0}; a scrape starts on " +
            $"each reply and is read until the new sample shows: p50 {Ms(v.P50)}, p99 {Ms(v.P99)}, max {Ms(v.Max)}; " +
            $"{v.NotInFirstScrape} change(s) missing from the first scrape. Of that, from the reply to the scrape's response " +
            $"headers: p50 {Ms(v.HeadersP50)}, p99 {Ms(v.HeadersP99)}; the server collected garbage {v.ServerCollections:F0} time(s) " +
            "while the samples were taken.").AppendLine();
        m.AppendLine($"Expiry: {Expiry.Instances:N0} instances report once and fall silent, TTL {Expiry.Ttl.TotalSeconds:0.#} s; /metrics " +
            $"polled back to back. Past TTL until gone: p50 {Ms(Expiry.P50)}, p99 {Ms(Expiry.P99)}, max {Ms(Expiry.Max)}; " +
            $"{Expiry.Early} gone before their TTL, {Expiry.NeverGone} never gone.").AppendLine();
        foreach (var o in Overhead)
        {
            AppendOverhead(m, o);
        }

        m.AppendLine("## What limits each figure").AppendLine();
        m.AppendLine(Limits.Text);
        return m.ToString();
    }

    private static void AppendOverhead(StringBuilder m, OverheadFigure o)
    {
        m.AppendLine($"Render overhead, {o.Blender}: the factory scene in Cycles on the CPU, 160×120, {o.Samples} samples, no " +
            $"denoising, {o.Frames} frames written as PNG, rendered as render managers start Blender (`blender -b -y … -a`), " +
            "without the add-on installed and with it installed and enabled as this Blender installs add-ons, reporting over " +
            $"{o.Reporting} to the RenderFarm server (its defaults) on loopback. A warm-up round that does not count, then " +
            $"{o.Rounds.Count} rounds of one render each way, the add-on's first in every other round. Render: render_init to " +
            "render_complete as Blender stamps them; start-up: from starting the process to render_init; exit: from " +
            "render_complete until the process is gone; CPU: the Blender process's CPU time, every thread, over the render, " +
            "as Python's `time.process_time()` in handlers beside the stamps. Seconds:").AppendLine();
        m.AppendLine("| round | first | render without | render with | with / without | CPU without / with | with / without | " +
            "start-up without / with | exit without / with |");
        m.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (r, i) in o.Rounds.Select((r, i) => (r, i)))
        {
            m.AppendLine($"| {i + 1} | {(r.WithFirst ? "with" : "without")} | {r.Without.Render:F3} | {r.With.Render:F3} | " +
                $"{Percent(r.With.Render / r.Without.Render - 1)} | {r.Without.RenderCpu:F3} / {r.With.RenderCpu:F3} | " +
                $"{Percent(r.With.RenderCpu / r.Without.RenderCpu - 1)} | {r.Without.StartUp:F3} / {r.With.StartUp:F3} | " +
                $"{r.Without.Exit:F3} / {r.With.Exit:F3} |");
        }

        var render = o.RenderOverhead;
        m.AppendLine();
        var cpu = o.RenderCpuOverhead;
        m.AppendLine($"Overhead per round from {Percent(render.Lowest)} to {Percent(render.Highest)}, median {Percent(render.Median)}; " +
            $"in CPU time from {Percent(cpu.Lowest)} to {Percent(cpu.Highest)}, median {Percent(cpu.Median)}; " +
            $"start-up cost median {SignedSeconds(o.StartUpCost.Median)} (rounds {SignedSeconds(o.StartUpCost.Lowest)} to " +
            $"{SignedSeconds(o.StartUpCost.Highest)}), exit cost median {SignedSeconds(o.ExitCost.Median)} (rounds " +
            $"{SignedSeconds(o.ExitCost.Lowest)} to {SignedSeconds(o.ExitCost.Highest)}).").AppendLine();
    }

    private static string Percent(double fraction) => $"{fraction * 100:+0.0;-0.0;0.0} %";

    private static string Seconds(double seconds) => $"{seconds:F2} s";

    private static string SignedSeconds(double seconds) => $"{seconds:+0.00;-0.00;0.00} s";

    private static string Met(bool? met) => met switch { true => "yes", false => "**no**", null => "" };

    private static string Size(int instances) =>
        instances >= 1000 && instances % 1000 == 0 ? $"{instances / 1000}k" : instances.ToString(CultureInfo.InvariantCulture);

    private static string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture) + "/s";

    private static string Ms(TimeSpan time) => time.TotalMilliseconds switch
    {
        < 10 => $"{time.TotalMilliseconds:F2} ms",
        < 100 => $"{time.TotalMilliseconds:F1} ms",
        _ => $"{time.TotalMilliseconds:F0} ms",
    };

    private static string Latency(LoadGenerator.LoadResult result) => $"{Ms(result.P50)} / {Ms(result.P99)}";

    private static string Bytes(double bytes) => Math.Abs(bytes) switch
    {
        < 10 * KiB => $"{bytes:F0} B",
        < 10 * KiB * KiB => $"{bytes / KiB:F1} KiB",
        _ => $"{bytes / KiB / KiB:F1} MiB",
    };

    /// <summary>Heading of the hand-kept section (long soak and fuzz runs) that a rewrite of the results file carries over.</summary>
    public const string LongRunsHeading = "## Long runs";

    /// <summary>The hand-kept section of an existing results file, from its heading to the end; empty when there is none.</summary>
    public static string LongRunsOf(string existing)
    {
        var start = existing.IndexOf("\n" + LongRunsHeading, StringComparison.Ordinal);
        return start < 0 ? "" : existing[start..];
    }

        private static string Times(double ratio) => $"{ratio:F2}×";

    private static string Faster(double ratio) => $"{ratio:F1}× faster";
}
