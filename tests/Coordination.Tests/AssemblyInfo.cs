// Test classes start real silos, web hosts and Orleans test clusters; on a two-core machine they
// are more trustworthy one after another than competing for the CPU.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
