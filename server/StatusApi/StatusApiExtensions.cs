using System.Text.Json.Serialization;
using Grpc.AspNetCore.Server.Model;
using RenderFarm.Server.Queries;

namespace RenderFarm.Server.StatusApi;

/// <summary>How the status API (gRPC and JSON), the farm page and the OpenAPI document are put together.</summary>
public static class StatusApiExtensions
{
    public const string OpenApiPath = "/openapi.json";

    public static IServiceCollection AddStatusApi(this IServiceCollection services)
    {
        services.AddSingleton<FarmStatusReader>();
        services.AddSingleton<IServiceMethodProvider<FarmStatusService>, FarmStatusMethods>();
        // Numbers are numbers: the web defaults would also read them from strings, and say so in the schema.
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        services.AddOpenApi(OpenApiDocument.Describe);
        return services;
    }

    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<FarmStatusService>();
        app.MapJsonApi();
        app.MapOpenApi(OpenApiPath);
        app.MapFarmPage();
        return app;
    }
}
