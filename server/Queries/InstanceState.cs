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

    /// <summary>Rendering, but Blender has shown no progress for RenderFarm:StallAfter, or its frame runs far past its
    /// host's frames (see <see cref="Registry.StallRule"/>).</summary>
    [JsonStringEnumMemberName("stalled")]
    Stalled,
}

public static class InstanceStates
{
    /// <summary>True for a rendering instance, stalled or not: what Blender_Render says.</summary>
    public static bool Renders(this InstanceState state) => state != InstanceState.Idle;

    /// <summary>The state as the status API spells it.</summary>
    public static string Name(this InstanceState state) => state switch
    {
        InstanceState.Rendering => "rendering",
        InstanceState.Stalled => "stalled",
        _ => "idle",
    };
}
