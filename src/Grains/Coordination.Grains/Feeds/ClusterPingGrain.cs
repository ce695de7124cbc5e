using Coordination.Contracts.Feeds;

namespace Coordination.Grains.Feeds;

/// <summary>The health checks' probe: answered by whichever silo the caller reaches, with no singleton behind it.</summary>
[StatelessWorker, Reentrant]
public sealed class ClusterPingGrain : Grain, IClusterPingGrain
{
    public Task Ping() => Task.CompletedTask;
}
