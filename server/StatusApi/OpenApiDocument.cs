using Microsoft.AspNetCore.OpenApi;
using RenderFarm.Server.Queries;

namespace RenderFarm.Server.StatusApi;

/// <summary>What /openapi.json says about the JSON API beyond what the endpoints declare.</summary>
internal static class OpenApiDocument
{
    public static void Describe(OpenApiOptions openApi)
    {
        openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "RenderFarm HTTP API";
            document.Info.Description = "Which Blender instances report to this server, and what they are doing; the farm page at / reads it.";
            return Task.CompletedTask;
        });
        // The published schema keeps its name, the gRPC message's too; the C# type is named apart from that message.
        openApi.CreateSchemaReferenceId = type => type.Type == typeof(InstanceView)
            ? "InstanceStatus"
            : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
    }
}
