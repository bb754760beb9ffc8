namespace RenderFarm.Benchmarks.Tests;

/// <summary>Runs a command that writes its progress to a log, and shows the log in the test's output, also when the command fails.</summary>
internal static class LoggedRun
{
    public static async Task<T> RunAsync<T>(ITestOutputHelper output, Func<TextWriter, Task<T>> command)
    {
        using var log = new StringWriter();
        try
        {
            return await command(log);
        }
        finally
        {
            output.WriteLine(log.ToString());
        }
    }
}
