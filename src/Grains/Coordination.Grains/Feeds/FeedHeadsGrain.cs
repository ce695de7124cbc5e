using Coordination.Contracts.Feeds;
using Npgsql;

namespace Coordination.Grains.Feeds;

/// <summary>Reads feed heads for web hosts; stateless, so it scales with the silos.</summary>
[StatelessWorker, Reentrant]
public sealed class FeedHeadsGrain(NpgsqlDataSource db) : Grain, IFeedHeadsGrain
{
    public Task<IReadOnlyDictionary<string, long>> Heads(IReadOnlyList<string> agencyIds) => FeedStore.HeadsAsync(db, agencyIds);
}
