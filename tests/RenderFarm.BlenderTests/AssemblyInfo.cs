// Renders are CPU-bound: run one Blender at a time, so timings compare like with like.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
