using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Feeds;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Cases;

/// <summary>
/// The case as one activation of its grain holds it, kept in step with its row in PostgreSQL
/// (<see cref="CaseStore"/>): read when not held, replaced by what a save commits, and read again
/// after a save that may have left the row other than what is held.
/// </summary>
public sealed class StoredCase(SiloWrites writes, CaseStateCodec codec, IGrainFactory grains, ILogger logger)
{
    private bool _loaded;

    /// <summary>The case, or null when none exists (or none was read: a flag does not read first).</summary>
    public CaseView? Case { get; private set; }

    /// <summary>The seq of the case's last timeline event; a change's events are numbered on from it.</summary>
    public int LastEventSeq { get; private set; }

    public async Task LoadIfStaleAsync(string caseId)
    {
        if (!_loaded)
        {
            (Case, LastEventSeq) = await CaseStore.LoadAsync(writes.Db, codec, caseId);
            _loaded = true;
        }
    }

    /// <summary>
    /// Commits the change (<see cref="CaseStore.SaveAsync"/>) and, once it is saved, holds its case.
    /// The feed entries of the feeds that reserved them are written with it (<see cref="FeedCarry"/>);
    /// returns the others, put in the outbox, to hand to the feeds. Should a feed's part fail the
    /// write (another writer moved its head), the change is made again with every entry in the outbox.
    /// A new case whose row exists already is refused with 409.
    /// </summary>
    public async Task<(SaveOutcome Outcome, IReadOnlyList<FeedDelivery> Feed)> SaveAsync(CaseChange change, DateTimeOffset now)
    {
        var deliveries = CaseStore.Deliveries(change, now);
        // The feeds answer while the case's row is encoded.
        var reserving = grains.ReserveAsync(deliveries, logger);
        CaseStore.CaseRow row;
        try
        {
            row = await CaseStore.RowAsync(codec, change);
        }
        catch (Exception)
        {
            // Nothing will carry what the feeds reserved: free them now rather than at their lease's end.
            await grains.EndAsync(await reserving, CarriedOutcome.NotCommitted, logger);
            throw;
        }

        var carried = await reserving;
        SaveOutcome outcome;
        try
        {
            outcome = await CommitAsync(row, change, deliveries, carried, now);
        }
        catch (Exception ex) when (carried.Count > 0 && FeedCarry.RefusedForAFeed(ex))
        {
            await grains.EndAsync(carried, CarriedOutcome.NotCommitted, logger);
            carried = [];
            outcome = await CommitAsync(row, change, deliveries, carried, now);
        }
        catch (Exception ex)
        {
            await grains.EndAsync(carried, ex is CommitOutcomeUnknownException ? CarriedOutcome.Unknown : CarriedOutcome.NotCommitted, logger);
            throw;
        }

        var saved = outcome == SaveOutcome.Saved;
        await grains.EndAsync(carried, saved ? CarriedOutcome.Committed : CarriedOutcome.NotCommitted, logger);
        return (outcome, saved ? [.. deliveries.Where(d => !carried.Any(p => p.Delivery == d))] : []);
    }

    private async Task<SaveOutcome> CommitAsync(
        CaseStore.CaseRow row, CaseChange change, IReadOnlyList<FeedDelivery> deliveries, IReadOnlyList<CarriedPart> carried, DateTimeOffset now)
    {
        SaveOutcome outcome;
        try
        {
            outcome = await CaseStore.SaveAsync(writes, row, change, deliveries, carried, now);
        }
        catch (Exception ex) when (!LeftTheDatabaseUntouched(ex))
        {
            // The stored case may now differ from the one held here (a commit whose answer was lost,
            // a version or key that did not match): read it again before the next call, or the next
            // command would build on a stale state and event count.
            _loaded = false;
            logger.LogWarning("Case {CaseId}: save failed ({Error}); the case is read again before the next call", change.Case.Id, ex.GetType().Name);
            if (ex is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "cases_pkey" })
            {
                // A flag writes without reading first (the grain's call filter), and the case exists.
                throw DomainException.Conflict($"Case {change.Case.Id} already exists.");
            }

            throw;
        }

        if (outcome == SaveOutcome.Saved)
        {
            Case = change.Case;
            LastEventSeq += change.Events.Count;
            _loaded = true;
        }

        return outcome;
    }

    /// <summary>
    /// Failures that prove nothing was committed: the connection failed before COMMIT was sent (a lost
    /// COMMIT answer is a <see cref="CommitOutcomeUnknownException"/> instead), or the statement timed out.
    /// </summary>
    private static bool LeftTheDatabaseUntouched(Exception ex) => ex is NpgsqlException and not PostgresException or TimeoutException;
}
