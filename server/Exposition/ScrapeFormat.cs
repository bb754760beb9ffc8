namespace RenderFarm.Server.Exposition;

/// <summary>The text formats /metrics answers in.</summary>
public enum ScrapeFormat
{
    /// <summary>Prometheus' classic text format, version 0.0.4: what every scraper reads, and the default.</summary>
    Text,

    /// <summary>OpenMetrics 1.0 text, for a scraper that asks for it (Prometheus asks first by default).</summary>
    OpenMetrics,
}
