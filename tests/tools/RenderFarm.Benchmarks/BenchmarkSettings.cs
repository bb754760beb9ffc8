namespace RenderFarm.Benchmarks;

/// <summary>Sizes and durations of one benchmark run: the full run of the issue, or a quick smoke run.</summary>
public sealed record BenchmarkSettings
{
    public int IngestInstances { get; init; } = 10_000;

    public int Concurrency { get; init; } = 64;

    /// <summary>HTTP/2 connections the gRPC calls are spread over (Pushgateway gets one HTTP/1.1 connection per call in flight).</summary>
    public int Connections { get; init; } = 4;

    public TimeSpan IngestWarmup { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan IngestDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Ours and the do-nothing server take turns this many times; the best round of each counts.</summary>
    public int IngestRounds { get; init; } = 2;

    public int[] ScrapeSizes { get; init; } = [1_000, 10_000, 100_000];

    public int ScrapeRepeats { get; init; } = 7;

    /// <summary>The scrape size at which visibility is measured.</summary>
    public int VisibilityInstances { get; init; } = 10_000;

    public int VisibilitySamples { get; init; } = 300;

    public int ExpiryInstances { get; init; } = 10_000;

    public TimeSpan ExpiryTtl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Instances with worst-case strings, as many as README's worst case names (100,000, the default MaxInstances):
    /// the free-text pool (up to 8,192 texts) is then spread as thinly as on a full farm.</summary>
    public int WorstCaseInstances { get; init; } = 100_000;

    /// <summary>Frames of the render with and without the add-on: long enough that 1 % is far above the stamps' millisecond,
    /// short enough that all rounds take a few minutes.</summary>
    public int OverheadFrames { get; init; } = 6;

    /// <summary>Cycles samples per frame of that render (160×120, no denoising): about a second a frame on 2 idle cores.</summary>
    public int OverheadSamples { get; init; } = 200;

    /// <summary>Rounds of one render without and one with the add-on, each order in half of them, after one warm-up round.</summary>
    public int OverheadRounds { get; init; } = 8;

    /// <summary>Also measure the newest Blender of the matrix when its Debian root has been made (this machine's is always measured).</summary>
    public bool OverheadNewestBlender { get; init; } = true;

    public static BenchmarkSettings Quick { get; } = new()
    {
        IngestInstances = 400,
        Concurrency = 16,
        IngestWarmup = TimeSpan.FromMilliseconds(300),
        IngestDuration = TimeSpan.FromSeconds(1),
        IngestRounds = 1,
        ScrapeSizes = [100, 300, 1_000],
        ScrapeRepeats = 2,
        VisibilityInstances = 300,
        VisibilitySamples = 20,
        ExpiryInstances = 300,
        ExpiryTtl = TimeSpan.FromSeconds(2),
        WorstCaseInstances = 300,
        OverheadFrames = 2,
        OverheadSamples = 8,
        OverheadRounds = 1,
        OverheadNewestBlender = false,
    };

    public int MemoryInstances => ScrapeSizes[^1];
}
