using System.Diagnostics;

namespace RenderFarm.Testing;

/// <summary>Child processes whose output the tests read line by line, standard output and error alike.</summary>
public static class ProcessLines
{
    /// <summary>Starts <paramref name="process"/> with both outputs redirected to <paramref name="onLine"/> (null when a stream ends).</summary>
    public static void StartReadingLines(this Process process, Action<string?> onLine)
    {
        process.StartInfo.RedirectStandardOutput = true;
        process.StartInfo.RedirectStandardError = true;
        process.StartInfo.UseShellExecute = false;
        process.OutputDataReceived += (_, e) => onLine(e.Data);
        process.ErrorDataReceived += (_, e) => onLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }
}
