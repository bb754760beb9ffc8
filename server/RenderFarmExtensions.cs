using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RenderFarm.Server.Exposition;
using RenderFarm.Server.Framing;
using RenderFarm.Server.Health;
using RenderFarm.Server.Ingest;
using RenderFarm.Server.Registry;
using RenderFarm.Server.StatusApi;

namespace RenderFarm.Server;

/// <summary>How the server is put together: services first, then the endpoints.</summary>
public static class RenderFarmExtensions
{
    /// <summary>Reports are a few hundred bytes; anything near this is not a report.</summary>
    public const int MaxReceiveMessageSize = 64 * 1024;

    public static WebApplicationBuilder AddRenderFarm(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RenderFarmOptions>()
            .BindConfiguration(RenderFarmOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ListenPorts>();
        services.AddOptions<KestrelServerOptions>()
            .Configure<ListenPorts, IOptions<RenderFarmOptions>, IConfiguration>((kestrel, ports, options, configuration) =>
                ports.Configure(kestrel, options.Value, configuration));

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<InstanceRegistry>();
        services.AddSingleton<ExpirySweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<ExpirySweeper>());

        services.AddSingleton<TokenStore>();
        services.AddSingleton<BearerTokenInterceptor>();
        services.AddSingleton<IServiceMethodProvider<ReporterService>, ReporterMethods>();
        services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = MaxReceiveMessageSize)
            .AddServiceOptions<ReporterService>(reporter => reporter.Interceptors.Add<BearerTokenInterceptor>());
        services.AddSingleton<IServiceMethodProvider<HealthService>, HealthMethods>();
        services.AddHealthChecks()
            .AddCheck<SweeperHealthCheck>("expiry-sweeper", tags: ["ready"]);
        services.AddStatusApi();

        // At the connection cap Kestrel warns once per refused connection: a flood of sockets would flood the log.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.Connections", LogLevel.Error);

        MetricsEndpoint.UseLeanProcessMetrics();
        return builder;
    }

    public static WebApplication MapRenderFarm(this WebApplication app)
    {
        app.UseRouting();
        // Before gRPC-Web: the framing check reads the bodies as they came, base64 included.
        app.UseMiddleware<GrpcRequestFraming>();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });

        app.MapGrpcService<ReporterService>();
        app.MapGrpcService<HealthService>();
        app.MapGet("/metrics", MetricsEndpoint.WriteAsync);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapStatusApi();

        app.Lifetime.ApplicationStarted.Register(app.Services.GetRequiredService<ListenPorts>().LogBound);
        return app;
    }
}
