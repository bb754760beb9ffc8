namespace RenderFarm.Benchmarks;

/// <summary>What bounds each figure, written beside the figures so that nobody reads them as more than they are.</summary>
internal static class Limits
{
    public const string Text = """
        TODO
        """;
}
