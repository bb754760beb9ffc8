namespace RenderFarm.StatusTests;

/// <summary>Runs the check as monitoring does: the server's executable, its exit code and its output.</summary>
public static class CheckProcess
{
    /// <summary>Runs <c>check --server <paramref name="server"/> …</c> and asserts it printed exactly one line.</summary>
    public static async Task<(int Exit, string Line)> CheckAsync(ITestOutputHelper output, Uri server, params string[] args)
    {
        var (exit, text) = await RunAsync(output, ["check", "--server", server.ToString(), .. args]);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got: {text}");
        return (exit, lines[0]);
    }

    public static async Task<(int Exit, string Text)> RunAsync(ITestOutputHelper output, string[] args)
    {
        var (exit, text) = await Tools.RunAsync("dotnet", [ServerProcess.ServerAssembly, .. args], timeout: TimeSpan.FromSeconds(60));
        output.WriteLine($"check {string.Join(' ', args.Skip(1))} -> {exit}: {text.TrimEnd()}");
        return (exit, text);
    }
}
