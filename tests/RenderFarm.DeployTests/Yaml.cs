using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace RenderFarm.DeployTests;

/// <summary>
/// YAML as JSON nodes, for files that have no typed model here (Prometheus, promtool, compose).
/// Scalars stay strings, as YAML wrote them.
/// </summary>
internal static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();
    private static readonly ISerializer JsonSerializer = new SerializerBuilder().JsonCompatible().Build();
    private static readonly ISerializer YamlSerializer = new SerializerBuilder().Build();

    public static JsonNode Load(string path) => Parse(System.IO.File.ReadAllText(path));

    public static JsonNode Parse(string yaml) =>
        JsonNode.Parse(JsonSerializer.Serialize(Deserializer.Deserialize<object>(yaml)))
        ?? throw new FormatException("empty YAML document");

    /// <summary>Writes a JSON node back as YAML (JSON is YAML, but this keeps files readable in logs).</summary>
    public static string Write(JsonNode node) =>
        YamlSerializer.Serialize(Deserializer.Deserialize<object>(node.ToJsonString()));
}
