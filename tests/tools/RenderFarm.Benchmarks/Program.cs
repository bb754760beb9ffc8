using System.Diagnostics;
using System.Reflection;
using RenderFarm.Benchmarks;
using RenderFarm.Benchmarks.Soak;
using RenderFarm.LoadGenerator;

const string Usage = """
    Runs every RenderFarm benchmark in one go, prints the table and writes the results file.

      --quick         small sizes and short runs (a smoke run; writes no file unless --output is given)
      --output FILE   where to write the results (default: RESULTS.md beside this project)
      --note TEXT     a line put at the top of the results file

    worst-case-memory [--instances 100000]
                      only the memory per instance with worst-case strings (part of the full run)

    scrape [--quick]  only our server's scrape times, visibility and memory (part of the full run): a quick
                      before/after of a change to the server; prints, writes no file

    overhead [--quick] [--rounds 8]
                      only the add-on's render overhead in real Blender (part of the full run): this machine's
                      Blender and the newest one whose Debian root exists; prints, writes no file

    soak [--duration 10m] [--instances 10000]
                      a farm with 10 % churn per minute: memory must stay flat within 10 %,
                      every vanished instance must expire, and nothing may be left over
    """;

if (typeof(BenchmarkRun).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true)
{
    // The servers it starts are built in the same configuration.
    Console.Error.WriteLine("error: run the benchmark from a Release build (dotnet run -c Release); a Debug build measures unoptimised code");
    return 2;
}

try
{
    if (args is ["soak", .. var soakArguments])
    {
        var soakOptions = new CommandLine(soakArguments, ["--duration", "--instances"], []);
        var soak = await SoakRun.RunAsync(new SoakSettings
        {
            Duration = soakOptions.Duration("--duration") ?? TimeSpan.FromMinutes(10),
            Instances = soakOptions.WholeNumber("--instances", 10_000),
        }, Console.Out, CancellationToken.None);
        Console.WriteLine(soak.Summary());
        var failures = soak.Failures().ToList();
        failures.ForEach(failure => Console.WriteLine($"FAILED: {failure}"));
        return failures.Count == 0 ? 0 : 1;
    }

    if (args is ["worst-case-memory", .. var memoryArguments])
    {
        var memoryOptions = new CommandLine(memoryArguments, ["--instances"], []);
        await WorstCaseMemoryBenchmark.RunAsync(new BenchmarkSettings { WorstCaseInstances = memoryOptions.WholeNumber("--instances", 20_000) },
            Console.Out, CancellationToken.None);
        return 0;
    }

    if (args is ["scrape", .. var scrapeArguments])
    {
        var scrapeSettings = new CommandLine(scrapeArguments, [], ["--quick"]).Flag("--quick") ? BenchmarkSettings.Quick : new BenchmarkSettings();
        var farm = FarmLoad.CreateFarm(scrapeSettings.MemoryInstances, "node");
        await ScrapeBenchmark.RunOursAsync(scrapeSettings, farm, Console.Out, CancellationToken.None);
        return 0;
    }

    if (args is ["overhead", .. var overheadArguments])
    {
        var overheadOptions = new CommandLine(overheadArguments, ["--rounds"], ["--quick"]);
        var overheadSettings = overheadOptions.Flag("--quick") ? BenchmarkSettings.Quick : new BenchmarkSettings();
        var rounds = overheadOptions.WholeNumber("--rounds", overheadSettings.OverheadRounds);
        overheadSettings = rounds >= 1
            ? overheadSettings with { OverheadRounds = rounds }
            : throw new ArgumentException($"--rounds: at least 1, was {rounds}");
        var figures = await OverheadBenchmark.RunAsync(overheadSettings, Console.Out, CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine(BenchmarkResults.Table(BenchmarkResults.OverheadRows(figures)));
        return 0;
    }

    var options = new CommandLine(args, ["--output", "--note"], ["--quick", "--help"]);
    if (options.Flag("--help"))
    {
        Console.WriteLine(Usage);
        return 0;
    }

    var quick = options.Flag("--quick");
    var output = options.Text("--output") ?? (quick ? null : DefaultResultsFile());
    var results = await BenchmarkRun.RunAsync(quick ? BenchmarkSettings.Quick : new BenchmarkSettings(), Console.Out, CancellationToken.None);
    Console.WriteLine();
    Console.WriteLine(results.ToTable());
    if (output is not null)
    {
        var kept = File.Exists(output) ? BenchmarkResults.LongRunsOf(await File.ReadAllTextAsync(output)) : "";
        await File.WriteAllTextAsync(output, results.ToMarkdown(options.Text("--note")) + kept);
        Console.WriteLine($"Results written to {output}");
    }

    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}\n\n{Usage}");
    return 2;
}

static string DefaultResultsFile() => typeof(BenchmarkRun).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    .Single(a => a.Key == "DefaultResultsFile").Value!;
