namespace RenderFarm.Server.Cli;

/// <summary>What <c>check --expect</c> asks of a host or instance.</summary>
public enum CheckExpectation
{
    /// <summary>Reported within the TTL, whatever it does.</summary>
    Alive,

    /// <summary>Rendering (for a whole host: at least one of its instances).</summary>
    Rendering,

    /// <summary>Idle (for a whole host: every one of its instances).</summary>
    Idle,
}
