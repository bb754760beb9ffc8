using System.Text.Json.Serialization;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.OpenApi;
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
        services.AddOpenApi(openApi =>
        {
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "RenderFarm HTTP API";
                document.Info.Description = "Which Blender instances report to this server, and what they are doing; the farm page at / reads it.";
                return Task.CompletedTask;
            });
            // The published schema keeps its name, the same as the gRPC message's; the C# type is named apart from that message.
            openApi.CreateSchemaReferenceId = type => type.Type == typeof(InstanceView)
                ? "InstanceStatus"
                : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        });
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
