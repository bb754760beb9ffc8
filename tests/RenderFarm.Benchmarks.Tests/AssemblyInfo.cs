// The suites start real servers and a benchmark run: one at a time keeps them from starving each other on a small machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
