using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace RenderFarm.Benchmarks;

/// <summary>
/// Forces a full, blocking garbage collection in another .NET process through its diagnostics
/// port, as <c>dotnet-gcdump</c> does: the runtime collects when a session asks for the GC heap.
/// </summary>
public static class FullGc
{
    private const long GcHeapCollectKeyword = 0x800000;

    /// <summary>Starts the collection; the caller watches the process's gen-2 count to see it done.</summary>
    public static async Task ForceAsync(int processId, Func<Task<bool>> collected, TimeSpan timeout)
    {
        var client = new DiagnosticsClient(processId);
        using var session = await client.StartEventPipeSessionAsync(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcHeapCollectKeyword)],
            requestRundown: false, circularBufferMB: 16, CancellationToken.None);
        var drain = session.EventStream.CopyToAsync(Stream.Null);
        try
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!await collected())
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"process {processId} did not run a full garbage collection within {timeout}");
                }

                await Task.Delay(100);
            }
        }
        finally
        {
            await session.StopAsync(CancellationToken.None);
            await drain;
        }
    }
}
