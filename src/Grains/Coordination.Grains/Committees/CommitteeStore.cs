using System.Text.Json;
using Coordination.Contracts.Committees;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Idempotency;
using Coordination.Grains.Feeds;
using Coordination.Grains.Hosting;
using Coordination.Grains.Idempotency;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Committees;

/// <summary>
/// A change to a plan and everything it causes, committed together or not at all: the plan as it
/// stands after the change, the feed items and settlements it causes, and the Idempotency-Key of the
/// command with what the command created (<see cref="CommitteeCommandKey"/>).
/// </summary>
public sealed record CommitteeChange(
    CommitteeState Plan,
    int PreviousVersion,
    IReadOnlyList<NewFeedItem> Feed,
    IReadOnlyList<FeedSettlement> Settlements,
    CommitteeCommandKey? Key = null);

/// <summary>The Idempotency-Key of a plan command and the resource it created, stored by the command's own write.</summary>
public sealed record CommitteeCommandKey(string AgencyId, IdempotentRequest Request, string ResourceId);

/// <summary>
/// The SQL of committees, in one place. A plan is one row of <c>committees</c> (its JSON and a version
/// every write moves); a change commits its row, its key and its feed entries in one transaction, as
/// a case's does (<see cref="Cases.CaseStore.SaveAsync"/>).
/// </summary>
public static class CommitteeStore
{
    /// <summary>The stored plan and its version; null when the committee has no row yet.</summary>
    public static async Task<(CommitteeState Plan, int Version)?> LoadAsync(NpgsqlDataSource db, string committeeId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT state, version FROM committees WHERE id = @id");
        command.Parameters.AddWithValue("id", committeeId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var plan = JsonSerializer.Deserialize<CommitteeState>(reader.GetString(0), CoordinationJson.Options)
            ?? throw new InvalidOperationException($"Committee {committeeId} has an empty row.");
        return (plan, reader.GetInt32(1));
    }

    /// <summary>
    /// Commits <paramref name="change"/>: the key (when the command has one), the plan's row guarded by
    /// its version, and the feed entries to the outbox. Returns the entries, one delivery per agency,
    /// to hand to the feeds, or <see cref="SaveOutcome.IdempotencyKeyTaken"/> (nothing written) when a
    /// command under the same key committed first. One batch, committed by its end (<see cref="OneRoundTrip"/>).
    /// A stale version is refused with 409; a batch whose answer is lost throws <see cref="CommitOutcomeUnknownException"/>.
    /// </summary>
    public static async Task<(Cases.SaveOutcome Outcome, IReadOnlyList<FeedDelivery> Feed)> SaveAsync(
        NpgsqlDataSource db, string committeeId, CommitteeChange change, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);

        if (change.Key is { } key)
        {
            batch.BatchCommands.Add(IdempotencyStore.Claim(IdempotencyScope.Agency(key.AgencyId), key.Request.Key, key.Request.Hash, key.ResourceId, now));
        }

        var write = OneRoundTrip.Require(change.PreviousVersion == 0
            ? "INSERT INTO committees (id, version, state, updated_at) VALUES (@id, 1, @state, @now) ON CONFLICT (id) DO NOTHING"
            : "UPDATE committees SET version = @previous + 1, state = @state, updated_at = @now WHERE id = @id AND version = @previous", VersionMoved);
        write.Parameters.AddWithValue("id", committeeId);
        write.Parameters.AddWithValue("previous", change.PreviousVersion);
        write.Parameters.AddWithValue("state", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(change.Plan, CoordinationJson.Options));
        write.Parameters.AddWithValue("now", now.UtcDateTime);
        batch.BatchCommands.Add(write);

        var deliveries = FeedDelivery.Of(Guid.CreateVersion7(now), now, change.Settlements, change.Feed);
        FeedStore.AddToOutbox(batch, deliveries);
        try
        {
            await batch.ExecuteOrUnknownAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.Failed(IdempotencyStore.KeyTaken))
        {
            return (Cases.SaveOutcome.IdempotencyKeyTaken, []);
        }
        catch (PostgresException ex) when (ex.Failed(VersionMoved))
        {
            // Another activation of this committee (one left behind on a silo that froze and was
            // declared dead) committed first; nothing of this change is written.
            throw DomainException.Conflict($"Committee {committeeId} was changed concurrently; try again.");
        }

        return (Cases.SaveOutcome.Saved, deliveries);
    }

    /// <summary>The condition that fails a write whose plan another activation wrote first.</summary>
    private const string VersionMoved = "committee version moved";

    /// <summary>When each task's assignment was acknowledged by its owner, by task id.</summary>
    public static async Task<IReadOnlyDictionary<string, DateTimeOffset>> AcknowledgementsAsync(
        NpgsqlDataSource db, string committeeId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT task_id, acknowledged_at FROM feed_items " +
            "WHERE committee_id = @committee AND type = @type AND acknowledged_at IS NOT NULL AND task_id IS NOT NULL");
        command.Parameters.AddWithValue("committee", committeeId);
        command.Parameters.AddWithValue("type", nameof(FeedItemType.TaskAssigned));
        var acknowledged = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            acknowledged[reader.GetString(0)] = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc));
        }

        return acknowledged;
    }
}
