using System.Text.Json.Serialization;

namespace RenderFarm.Server.Queries;

/// <summary>What a Blender instance is doing, as the status API spells it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InstanceState>))]
public enum InstanceState
{
    [JsonStringEnumMemberName("idle")]
    Idle,

    [JsonStringEnumMemberName("rendering")]
    Rendering,
}
