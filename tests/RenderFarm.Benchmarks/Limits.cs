namespace RenderFarm.Benchmarks;

/// <summary>What bounds each figure, written beside the figures so that nobody reads them as more than they are.</summary>
internal static class Limits
{
    public const string Text = """
        - **Everything shares the machine.** The generator, the server under test and the tool it is
          compared with run on the same cores over loopback. On 2 cores the generator's side of a
          call (gRPC client, HTTP/2 framing, protobuf) costs about as much CPU as the server's, so
          reports/s are bound by the machine's CPU split between the two, not by the server alone.
          Timings taken while anything else runs are noise: compare the load average above.
        - **Ingest.** The do-nothing server is our own stack (Kestrel, grpc-dotnet, the token
          interceptor, the same options) with an empty Report handler, so the ratio is what our
          handler adds per report: mapping the message, validation, one entry allocated and swapped
          into a concurrent dictionary, no logging. Pushgateway parses the text format and replaces
          the group per push; as shipped it also gathers and checks its whole store on every push,
          so it slows as the store grows. That side starts empty and fills as it goes (filling it
          first would take longer than the whole benchmark), which flatters it.
        - **Scrape.** /metrics is written at scrape time from the registry: one pass reads every
          entry into flat arrays (entries lie scattered over the heap; reading each nine times was
          the main cost at 100k) and writes the render state as it goes, then each family is
          written from the arrays straight into the response's memory, with whole numbers
          formatted as integers. What remains is formatting about nine samples of ~65 bytes per
          instance, Kestrel's chunked transfer and the reading client on the same cores. The text
          is uncompressed for both sides; Prometheus would ask for gzip. Pushgateway re-gathers and
          sorts every group on each scrape.
        - **Memory.** Read from the server's own `dotnet_total_memory_bytes` and
          `process_working_set_bytes` right after a forced full GC; the scrape that reads them
          allocates a little of its own. Per instance the heap holds the latest report (a record
          and its strings), the key, its label text, the info label text and a dictionary node,
          plus the snapshot arrays one scrape keeps for the next (about 90 bytes). The resident set
          adds what the GC keeps committed after the 100k scrapes, and moves more than the heap from
          run to run. The server runs the server GC (the ASP.NET Core default), which keeps much
          more committed than the workstation GC: by hand, 100k instances after five scrapes took
          about 356 MB RSS with it and 240 MB with `DOTNET_gcServer=0`, the same heap and no
          slower ingest on 2 cores. Choosing the GC is a setting of the server's project.
        - **Visibility.** The registry is updated before the reply goes out and /metrics is written
          from the registry, so a change is in every scrape that starts after the reply. The figure
          is the time for a scrape to start and stream up to the instance's sample line (the render
          state comes first), so it is bound by the time to first byte of a scrape at that size and
          the reading client.
        - **Expiry.** The sweeper runs every 250 ms; the poll sees an instance gone at the end of the
          next full scrape. The figure is an upper bound: it counts from when the report was sent,
          not when the server stamped it.
        - **Profiles behind the design.** Before this change a 10k scrape took 50–60 ms end to end and
          100k about 600 ms. Timing the exposition in-process against an in-memory pipe gave ~550 ns
          per sample: about fourteen calls into the pipe per line and a flush every 64 KiB that waited
          for the socket. Lines are now composed in lent memory, flushes grow to 1 MiB, and the
          entries are read once per scrape.
        """;
}
