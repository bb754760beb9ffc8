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
          interceptor, the same options, the same workstation GC) with an empty Report handler, so
          the ratio is what our handler adds per report: mapping the message, validation, a
          dictionary lookup and the instance's record updated in place under its own lock (strings
          that did not change stay the stored ones, so nothing of the report outlives the call),
          no logging. Pushgateway parses the text format and replaces the group per push; as
          shipped it also gathers and checks its whole store on every push, so it slows as the
          store grows. That side starts empty and fills as it goes (filling it first would take
          longer than the whole benchmark), which flatters it.
        - **Scrape.** /metrics is written at scrape time from the registry: the render state of
          every instance first, straight off the records and sent in 16 KiB pieces; then one pass
          reads every record in place under its lock (so an instance's values are from one report;
          copying the report out, with its references, cost as much as writing its text) into flat
          arrays, and each family is written from the arrays straight into the response's memory
          in 64 KiB leases, whole numbers and values of up to three decimals formatted as integers.
          About fifteen samples of ~65 bytes per instance plus a 15-line frame-time histogram per
          host: ~1.2 KB per instance, the size of the text being what the time follows. Asked as
          Prometheus asks, the answer is OpenMetrics (the same samples; counter families named
          without `_total`, `# EOF`) compressed with gzip at the fastest level, about a tenth of
          the size, on another thread as the text comes, so a scrape takes the longer of writing
          and compressing rather than their sum; on 2 cores shared with the reading client the
          two cannot both have a core. Pushgateway re-gathers and sorts every group on each
          scrape, and compresses after.
        - **Where a scrape's time goes** (a `dotnet-trace` sample of the exposition writing 10k
          instances into an in-memory pipe): before the last change, reading the records (the copy
          of each report with its write barriers, and an enumerator allocated per family and
          instance, which also made 200 gen0 collections during the visibility run) took as long
          as writing the text, and formatting values with "R" took a quarter of the writing. After
          it: 28–35 ms for 10k instances in process (42–48 ms before), of which the "R" formatting
          of the two arbitrary fractional values per instance (render seconds, last frame seconds)
          is the largest single part.
        - **Memory.** Read from the server's own `dotnet_total_memory_bytes` and
          `process_working_set_bytes` right after a forced full GC; the scrape that reads them
          allocates a little of its own. Per instance the heap holds its record (the latest report
          inline, and its lock), the report's strings, the key, its label text, the info label
          text and a dictionary node, plus the snapshot arrays one scrape keeps for the next
          (about 90 bytes). The resident set adds what the GC keeps committed after the 100k
          scrapes, and moves more than the heap from run to run. The server runs the workstation
          GC: the server GC (the ASP.NET Core default) kept about 2.1 KiB RSS per instance here.
        - **Visibility.** The registry is updated before the reply goes out and /metrics is written
          from the registry, so a change is in every scrape that starts after the reply. The figure
          is the time for a scrape to start and stream up to the instance's render-state line,
          measured once the server has served 60 scrapes (the runtime recompiles a method after
          about 30 calls, and a server in use is scraped all its life); the client looks for the
          line in the bytes as they arrive. The run splits it at the response's headers (sent with
          the first 16 KiB of render states): the tail is before them, in the request reaching the
          server's handler and its first piece going out (p99 to the headers 9–12 ms of a 13–14 ms
          p99, on a machine at load 7), not in the length of the scrape, and the server's GC no
          longer runs during it (9 collections in 300 samples, from 201). What holds the rest is
          scheduling on 2 cores shared by the client, the server's thread pool and the reporting
          probe; a server on its own cores, as in production, would not queue behind the client.
        - **Expiry.** The sweeper runs every 250 ms; the poll sees an instance gone at the end of the
          next full scrape. The figure is an upper bound: it counts from when the report was sent,
          not when the server stamped it.
        - **Render overhead.** The limit is on the render between Blender's own render_init and
          render_complete stamps, where the add-on's per-frame work happens (its handlers on
          Blender's main thread, its reporter thread's calls competing for the GIL and the
          cores). Loading it and importing grpcio before the render, and signing off after it,
          happen once per Blender process, so they are given in seconds, not folded into a ratio
          that would then depend on how many frames a task has. The scene is tiny (160×120, about
          a second a frame) so that rounds are many; the add-on's work per frame hardly grows
          with a frame's length, so on production frames of minutes its share is smaller than
          here. The server runs on the same cores and its share of the CPU counts against the
          add-on; on a farm it runs elsewhere. Cycles uses every core, so anything else running
          takes from the render directly: on a shared machine single rounds move by several
          per cent either way, which is why the figure is the median of per-round ratios with
          the middle half beside it, and why a median within a per cent of the limit says
          little until it is measured on a quiet machine. The CPU row is the Blender process's
          CPU time (every thread) over the same span: what the add-on takes from Cycles on a
          node whose cores Cycles fills, and a figure that other work moves far less than the
          wall clock (it still moves it: caches and memory are shared). A wait of Blender's
          main thread that burns no CPU shows in the wall-clock row alone. The warm-up round
          absorbs the first reads from disk. Blender's stamps come from scripts whose handlers
          run after the add-on's, so its render_init handler counts as start-up and its
          render_complete handler as render.
        - **Profiles behind the design.** Before this change a 10k scrape took 50–60 ms end to end and
          100k about 600 ms. Timing the exposition in-process against an in-memory pipe gave ~550 ns
          per sample: about fourteen calls into the pipe per line and a flush every 64 KiB that waited
          for the socket. Lines are now composed in lent memory, flushes grow to 1 MiB, and the
          records are read once per scrape. Ingest was 0.77× the do-nothing server while each report
          replaced the instance's entry with a new immutable one: `dotnet-counters` showed 16 % of
          the time in GC pauses and 1.6 gen2 collections a second, as those entries lived one
          heartbeat, long enough to be promoted. Records updated in place took it to 0.83–0.91× in
          six runs (one more gave 0.66×, its do-nothing rounds at 72k/s and 96k/s: the
          spread of a shared machine), and the ingest p99 from 12.9 ms
          to under 5 ms.
        """;
}
