namespace RenderFarm.Benchmarks.Tests;

/// <summary>Runs a command that writes its progress to a log; shows the log in the test's output, also when the command fails, then the result's summary.</summary>
internal static class LoggedRun
{
    public static async Task<T> RunAsync<T>(ITestOutputHelper output, Func<TextWriter, Task<T>> command, Func<T, string> summary)
    {
        using var log = new StringWriter();
        T result;
        try
        {
            result = await command(log);
        }
        finally
        {
            output.WriteLine(log.ToString());
        }

        output.WriteLine(summary(result));
        return result;
    }
}
