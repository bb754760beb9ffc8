namespace RenderFarm.Testing;

/// <summary>How many folders and files a process watches through inotify, from /proc (Linux).</summary>
public static class InotifyWatches
{
    /// <summary>One "inotify wd:" line per watch in /proc/PID/fdinfo.</summary>
    public static int Of(int processId) =>
        Directory.EnumerateFiles($"/proc/{processId}/fdinfo")
            .Sum(file =>
            {
                try
                {
                    return File.ReadLines(file).Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal));
                }
                catch (IOException)
                {
                    return 0; // The descriptor closed while we looked.
                }
            });
}
