using System.Text.Json.Serialization;
using Grpc.AspNetCore.Server.Model;

namespace RenderFarm.Server.NodeStatus;

/// <summary>How the status API, the farm page and the OpenAPI document are put together.</summary>
public static class NodeStatusExtensions
{
    public const string OpenApiPath = "/openapi.json";

    public static IServiceCollection AddNodeStatus(this IServiceCollection services)
    {
        services.AddSingleton<FarmStatusReader>();
        services.AddSingleton<IServiceMethodProvider<FarmStatusService>, FarmStatusMethods>();
        // Numbers are numbers: the web defaults would also read them from strings, and say so in the schema.
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "RenderFarm HTTP API";
            document.Info.Description = "Which Blender instances report to this server, and what they are doing; the farm page at / reads it.";
            return Task.CompletedTask;
        }));
        return services;
    }

    public static IEndpointRouteBuilder MapNodeStatus(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<FarmStatusService>();
        app.MapStatusApi();
        app.MapOpenApi(OpenApiPath);
        app.MapFarmPage();
        return app;
    }
}
