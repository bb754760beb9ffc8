namespace RenderFarm.Server.Registry;

public enum ReportOutcome
{
    /// <summary>Stored; the instance's last-seen time moved on.</summary>
    Applied,

    /// <summary>Ignored: the session already had a report with this or a newer sequence.</summary>
    Stale,

    /// <summary>Refused: the report breaks <see cref="ReportRules"/>; nothing stored.</summary>
    Invalid,

    /// <summary>Refused: a new instance while the registry holds MaxInstances; nothing stored.</summary>
    LimitReached,
}

/// <summary>What became of a report, with the reason when it was refused.</summary>
public readonly record struct ReportResult(ReportOutcome Outcome, string? Error = null);

public enum SignOffOutcome
{
    Removed,

    /// <summary>No entry of that identity and session (already expired, or a newer session owns it).</summary>
    NotFound,

    Invalid,
}

public readonly record struct SignOffResult(SignOffOutcome Outcome, string? Error = null);
