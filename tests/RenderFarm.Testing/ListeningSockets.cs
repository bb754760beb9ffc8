using System.Globalization;

namespace RenderFarm.Testing;

/// <summary>
/// The TCP ports a process and its descendants listen on, from the kernel's own tables (Linux <c>/proc</c>): what the
/// process bound, whatever it printed. A child started on port 0 is asked nothing and parsed for nothing.
/// </summary>
public static class ListeningSockets
{
    private const string Listen = "0A"; // TCP_LISTEN in /proc/net/tcp's st column

    /// <summary>The listening ports of <paramref name="processId"/> and its descendants, ascending; empty once it is gone.</summary>
    public static IReadOnlyList<int> Of(int processId)
    {
        var inodes = new HashSet<long>();
        foreach (var process in WithDescendants(processId))
        {
            inodes.UnionWith(SocketInodes(process));
        }

        if (inodes.Count == 0)
        {
            return [];
        }

        // The process's own view: a child in a network namespace of its own has tables of its own.
        var ports = new SortedSet<int>();
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            var text = Read($"/proc/{processId}/net/{table}");
            if (text is not null)
            {
                ports.UnionWith(ListeningPorts(text, inodes));
            }
        }

        return [.. ports];
    }

    /// <summary>
    /// The local ports of the rows of a <c>/proc/net/tcp</c> or <c>tcp6</c> table that listen and whose socket inode is
    /// one of <paramref name="inodes"/>. Rows: <c>sl local_address rem_address st … uid timeout inode</c>, addresses as
    /// hexadecimal <c>address:port</c>.
    /// </summary>
    public static IEnumerable<int> ListeningPorts(string table, IReadOnlySet<long> inodes)
    {
        foreach (var line in table.Split('\n').Skip(1))
        {
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length < 10 || columns[3] != Listen
                || !long.TryParse(columns[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode) || !inodes.Contains(inode))
            {
                continue;
            }

            var local = columns[1];
            if (int.TryParse(local.AsSpan(local.LastIndexOf(':') + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var port))
            {
                yield return port;
            }
        }
    }

    private static IEnumerable<int> WithDescendants(int processId)
    {
        var pending = new Stack<int>([processId]);
        var seen = new HashSet<int>();
        while (pending.TryPop(out var process))
        {
            if (!seen.Add(process))
            {
                continue;
            }

            yield return process;
            foreach (var task in Directories($"/proc/{process}/task"))
            {
                var children = Read(Path.Combine(task, "children")) ?? "";
                foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(child, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                    {
                        pending.Push(id);
                    }
                }
            }
        }
    }

    private static IEnumerable<long> SocketInodes(int processId)
    {
        foreach (var descriptor in Files($"/proc/{processId}/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(descriptor).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // "socket:[12345]"
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && target.EndsWith(']')
                && long.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            {
                yield return inode;
            }
        }
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended, or is not ours to read
        }
    }

    private static string[] Directories(string path)
    {
        try
        {
            return Directory.GetDirectories(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string[] Files(string path)
    {
        try
        {
            return Directory.GetFiles(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
