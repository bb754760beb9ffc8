using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
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
        // pageSize is read as text, to refuse a bad one with a message that names it: published as the number it is.
        openApi.AddOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in operation.Parameters ?? [])
            {
                if (parameter is OpenApiParameter { Name: "pageSize" } pageSize)
                {
                    pageSize.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0" };
                }
            }

            return Task.CompletedTask;
        });
        // The published schema keeps its name, the gRPC message's too; the C# type is named apart from that message.
        openApi.CreateSchemaReferenceId = type => type.Type == typeof(InstanceView)
            ? "InstanceStatus"
            : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
    }
}
