using RenderFarm.LoadGenerator;

const string Usage = """
    Simulated Blender instances reporting to a RenderFarm server.

      simulate   a farm at human pace: jobs, frames, crashes, clean exits
                 --server ADDRESS (RENDERFARM_SERVER, default localhost: native gRPC on 50051)
                 --instances 40 --instances-per-host 4 --host-prefix render --speed 1
                 --crash-rate 0.01 (per frame) --exit-rate 0.1 (per job) --duration 10m --seed N
                 --token TOKEN (RENDERFARM_TOKEN)

      load       as fast as the server takes it, a fixed number of calls in flight
                 --server ADDRESS | --pushgateway http://host:9091
                 --instances 10000 --concurrency 64 --connections 4 --warmup 2s --duration 10s
                 --state-change-rate 0.05 --churn-rate 0.01 --host-prefix load --token TOKEN

    ADDRESS is written as for the add-on: host, host:port, grpc://host:port (native gRPC),
    http://host:port (gRPC-Web).
    """;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    return args switch
    {
        ["simulate", .. var rest] => await SimulateAsync(rest, stop.Token),
        ["load", .. var rest] => await LoadAsync(rest, stop.Token),
        [] or ["help" or "--help" or "-h", ..] => Help(Console.Out, 0),
        [var unknown, ..] => Help(Console.Error, 2, $"{unknown}: unknown command; use simulate or load"),
    };
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    return Help(Console.Error, 2, e.Message);
}

static int Help(TextWriter output, int exitCode, string? error = null)
{
    if (error is not null)
    {
        output.WriteLine($"error: {error}");
        output.WriteLine();
    }

    output.WriteLine(Usage);
    return exitCode;
}

static async Task<int> SimulateAsync(string[] arguments, CancellationToken cancellationToken)
{
    var options = new CommandLine(arguments,
        ["--server", "--token", "--instances", "--instances-per-host", "--host-prefix", "--speed", "--crash-rate", "--exit-rate",
            "--duration", "--seed"], []);
    var settings = new SimulationSettings
    {
        Instances = options.WholeNumber("--instances", 40),
        InstancesPerHost = options.WholeNumber("--instances-per-host", 4),
        HostPrefix = options.Text("--host-prefix", "render"),
        Speed = options.Number("--speed", 1),
        CrashRate = options.Number("--crash-rate", 0.01),
        ExitRate = options.Number("--exit-rate", 0.1),
        Duration = options.Duration("--duration"),
        Seed = options.Text("--seed") is null ? null : options.WholeNumber("--seed", 0),
    };
    settings.Validate();
    await using var target = ServerTarget(options, connections: 1);
    await FarmSimulation.RunAsync(target, settings, Console.Out, TimeProvider.System, cancellationToken);
    return 0;
}

static async Task<int> LoadAsync(string[] arguments, CancellationToken cancellationToken)
{
    var options = new CommandLine(arguments,
        ["--server", "--pushgateway", "--token", "--instances", "--instances-per-host", "--concurrency", "--connections",
            "--warmup", "--duration", "--state-change-rate", "--churn-rate", "--host-prefix"], []);
    var settings = new LoadSettings
    {
        Instances = options.WholeNumber("--instances", 10_000),
        InstancesPerHost = options.WholeNumber("--instances-per-host", 4),
        Concurrency = options.WholeNumber("--concurrency", 64),
        Warmup = options.Duration("--warmup", TimeSpan.FromSeconds(2)),
        Duration = options.Duration("--duration", TimeSpan.FromSeconds(10)),
        StateChangeRate = options.Number("--state-change-rate", 0.05),
        ChurnRate = options.Number("--churn-rate", 0.01),
        HostPrefix = options.Text("--host-prefix", "load"),
    };
    settings.Validate();
    var connections = options.WholeNumber("--connections", 4);
    if (connections < 1)
    {
        throw new ArgumentException("--connections: must be at least 1");
    }

    await using IReportTarget target = options.Text("--pushgateway") is { } pushgateway
        ? new PushgatewayTarget(Uri.TryCreate(pushgateway, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"--pushgateway: expected http://host:port, was '{pushgateway}'"))
        : ServerTarget(options, connections);
    var farm = FarmLoad.CreateFarm(settings.Instances, settings.HostPrefix, settings.InstancesPerHost);
    Console.WriteLine($"{settings.Instances} instances, {settings.Concurrency} calls in flight, to {target.Description}");
    var result = await FarmLoad.RunAsync(target, farm, settings, cancellationToken);
    Console.WriteLine(result);
    return result.Errors == 0 ? 0 : 1;
}

static ReporterTarget ServerTarget(CommandLine options, int connections) => new(
    ServerAddress.Parse(options.Text("--server") ?? Environment.GetEnvironmentVariable("RENDERFARM_SERVER") ?? "localhost"),
    connections,
    options.Text("--token") ?? Environment.GetEnvironmentVariable("RENDERFARM_TOKEN"));
