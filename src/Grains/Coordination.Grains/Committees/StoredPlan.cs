using Coordination.Contracts.Feeds;
using Coordination.Grains.Cases;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Storage;

namespace Coordination.Grains.Committees;

/// <summary>
/// A committee's plan as one activation of its grain holds it, kept in step with its row of
/// <c>committees</c> (<see cref="CommitteeStore"/>): read when not held, imported from Orleans grain
/// storage on the first activation after migration 0011 (<see cref="LegacyCommitteeImport"/>), and
/// read again after a save that may have left the row other than what is held.
/// </summary>
public sealed class StoredPlan(NpgsqlDataSource db, ICommitteeFeedWriter feedWriter, IGrainStorage? legacyStorage, ILogger logger)
{
    private bool _loaded;

    /// <summary>The version of the stored row <see cref="Plan"/> was read from or written as; 0 while there is none.</summary>
    private int _version;

    public CommitteeState Plan { get; private set; } = new();

    /// <summary>Reads the plan unless the one held is known to be the stored one.</summary>
    public async Task LoadIfStaleAsync(GrainId grainId, string committeeId, DateTimeOffset now)
    {
        if (_loaded)
        {
            return;
        }

        var stored = await CommitteeStore.LoadAsync(db, committeeId);
        if (stored is null
            && await LegacyCommitteeImport.ImportAsync(legacyStorage, db, grainId, committeeId, now) is { } imported)
        {
            logger.LogInformation("Committee {CommitteeId}: plan moved from grain storage to its own table", committeeId);
            await feedWriter.WriteAsync(imported);
            stored = await CommitteeStore.LoadAsync(db, committeeId);
        }

        (Plan, _version) = stored ?? (new CommitteeState(), 0);
        _loaded = true;
    }

    /// <summary>
    /// Commits the plan as held, with the change's feed entries and key (<see cref="CommitteeStore.SaveAsync"/>),
    /// and hands the entries to the feeds. False when a command under the same key committed first:
    /// the plan is then read again, and the caller answers as a retry.
    /// </summary>
    public async Task<bool> SaveAsync(
        GrainId grainId, string committeeId, IReadOnlyList<NewFeedItem> feed, IReadOnlyList<FeedSettlement> settlements, CommitteeCommandKey? key, DateTimeOffset now)
    {
        SaveOutcome outcome;
        IReadOnlyList<FeedDelivery> deliveries;
        try
        {
            (outcome, deliveries) = await CommitteeStore.SaveAsync(db, committeeId, new CommitteeChange(Plan, _version, feed, settlements, key), now);
        }
        catch
        {
            // The plan held is now ahead of the stored one, or may be: read it again before the next call.
            _loaded = false;
            throw;
        }

        if (outcome == SaveOutcome.IdempotencyKeyTaken)
        {
            _loaded = false;
            await LoadIfStaleAsync(grainId, committeeId, now);
            return false;
        }

        _version++;
        await feedWriter.WriteAsync(deliveries);
        return true;
    }
}
