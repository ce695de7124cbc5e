using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Coordination.Grains.Committees;

/// <summary>
/// The plan's storage and its outbox. Feed items cannot commit in the same transaction as grain
/// state, so every change goes: (1) change the state and put the feed items it causes in the state's
/// outbox, (2) write the state (<see cref="WriteAsync"/>), (3) deliver the outbox to the feeds, (4)
/// clear the outbox (<see cref="DeliverAsync"/>). A crash before (2) leaves nothing; between (2) and
/// (3) the items are re-sent by a retry timer, the reminder or the next activation; between (3) and
/// (4) they are re-sent too, and their dedupe keys turn the re-send into a no-op. So each item
/// reaches its feed exactly once.
/// </summary>
public sealed class CommitteeOutbox(IPersistentState<CommitteeState> state, ICommitteeFeedWriter feedWriter, TimeProvider clock, ILogger logger)
{
    public bool HasUndelivered => state.State.Outbox.Count > 0 || state.State.Settlements.Count > 0;

    /// <summary>
    /// Writes the plan with the feed items and settlements its change causes. On failure the state
    /// held is ahead of storage: the caller must start again from what is stored.
    /// </summary>
    public async Task WriteAsync(string committeeId, IEnumerable<NewFeedItem> items, IEnumerable<FeedSettlement> settlements)
    {
        state.State.Outbox.AddRange(items);
        state.State.Settlements.AddRange(settlements);
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            throw DomainException.Conflict($"Committee {committeeId} was changed concurrently; try again.");
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            // The write may have reached the database and committed with its answer lost: the caller
            // must not be told nothing changed (an idempotent retry replays from the stored plan).
            throw new CommitOutcomeUnknownException(ex);
        }
    }

    /// <summary>
    /// Delivers the outbox to the feeds, which append its items and settle what it settles, then
    /// clears it; false when a feed could not be written and the outbox is kept for a retry.
    /// </summary>
    public async Task<bool> DeliverAsync(string committeeId)
    {
        if (!HasUndelivered)
        {
            return true;
        }

        var batch = state.State.Outbox.ToList();
        var settlements = state.State.Settlements.ToList();
        try
        {
            if (!await feedWriter.WriteAsync(batch, settlements, clock.GetUtcNow()))
            {
                logger.LogWarning("Committee {CommitteeId}: {Count} feed items and {Settlements} settlements not all delivered yet; will retry",
                    committeeId, batch.Count, settlements.Count);
                return false;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Committee {CommitteeId}: {Count} feed items and {Settlements} settlements not delivered yet ({Error}); will retry",
                committeeId, batch.Count, settlements.Count, ex.GetType().Name);
            return false;
        }

        // Grain calls do not interleave, so the outbox still starts with this batch.
        state.State.Outbox.RemoveRange(0, batch.Count);
        state.State.Settlements.RemoveRange(0, settlements.Count);
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Harmless: the items are in the feeds, and re-sending them is a no-op. The next write stores the empty outbox.
            logger.LogWarning("Committee {CommitteeId}: clearing the delivered outbox was not stored ({Error})", committeeId, ex.GetType().Name);
        }

        return true;
    }

    private static bool IsDatabaseFailure(Exception? ex) =>
        ex is not null && (ex is System.Data.Common.DbException or TimeoutException or IOException || IsDatabaseFailure(ex.InnerException));
}
