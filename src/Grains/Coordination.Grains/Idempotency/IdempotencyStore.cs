using Coordination.Contracts.Idempotency;
using Coordination.Grains.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Idempotency;

/// <summary>
/// A command's Idempotency-Key as stored: the request it was first used for, and its outcome — the
/// response (<see cref="Status"/>, <see cref="Location"/>, <see cref="Body"/>) when the key was
/// completed after the command, or the <see cref="ResourceId"/> it created when the key was claimed
/// by the command's own transaction. Neither: a command still holding the key's lease.
/// </summary>
public sealed record IdempotencyRecord(string Hash, int? Status, string? Location, string? Body, string? ResourceId, DateTimeOffset StartedAt);

/// <summary>
/// The SQL of Idempotency-Keys (<c>idempotent_requests</c>), in one place, for every command: a flag
/// claims its key with <see cref="Claim"/> inside the transaction that creates the case; every other
/// command claims it with <see cref="TryClaimAsync"/> (the same statement) before it runs and
/// completes or releases it after (<see cref="IdempotencyGrain"/>).
/// </summary>
public static class IdempotencyStore
{
    private const string ClaimStatement =
        "INSERT INTO idempotent_requests (scope, key, request_hash, resource_id, started_at) " +
        "VALUES (@scope, @key, @hash, @resource, @now) ON CONFLICT (scope, key) DO NOTHING";

    /// <summary>The condition that fails a change's batch whose key another command claimed first (<see cref="Claim"/>).</summary>
    public const string KeyTaken = "idempotency key taken";

    /// <summary>
    /// The claim of a key as a statement of the caller's batch, recording <paramref name="resourceId"/>
    /// as the command's outcome, so key and effect commit together. It fails the batch with
    /// <see cref="KeyTaken"/> when the key is taken (<see cref="OneRoundTrip"/>).
    /// </summary>
    public static NpgsqlBatchCommand Claim(string scope, string key, string hash, string resourceId, DateTimeOffset now)
    {
        var command = OneRoundTrip.Require(ClaimStatement, KeyTaken);
        BindClaim(command.Parameters, scope, key, hash, resourceId, now);
        return command;
    }

    /// <summary>
    /// Claims a key for a command about to run (its lease starts at <paramref name="now"/>), or records
    /// the <paramref name="resourceId"/> a command already created under it; false when the key is taken.
    /// </summary>
    public static async Task<bool> TryClaimAsync(
        NpgsqlDataSource db, string scope, string key, string hash, DateTimeOffset now, string? resourceId = null, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(ClaimStatement);
        BindClaim(command.Parameters, scope, key, hash, resourceId, now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public static async Task<IdempotencyRecord?> FindAsync(NpgsqlDataSource db, string scope, string key, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT request_hash, status, location, body, resource_id, started_at FROM idempotent_requests WHERE scope = @scope AND key = @key");
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static IdempotencyRecord Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetInt32(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetFieldValue<DateTimeOffset>(5));

    /// <summary>Takes over a key whose command never completed nor released it and whose lease ran out before <paramref name="expiredBefore"/>.</summary>
    public static async Task<bool> TryTakeOverAsync(
        NpgsqlDataSource db, string scope, string key, DateTimeOffset now, DateTimeOffset expiredBefore, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "UPDATE idempotent_requests SET started_at = @now " +
            "WHERE scope = @scope AND key = @key AND status IS NULL AND resource_id IS NULL AND started_at < @expired");
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("expired", expiredBefore.UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public static async Task CompleteAsync(NpgsqlDataSource db, string scope, string key, IdempotentResponse response, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "UPDATE idempotent_requests SET status = @status, location = @location, body = @body WHERE scope = @scope AND key = @key");
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("status", response.Status);
        command.Parameters.AddWithValue("location", NpgsqlDbType.Text, (object?)response.Location ?? DBNull.Value);
        command.Parameters.AddWithValue("body", NpgsqlDbType.Text, (object?)response.Body ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Frees a key still leased (never one that completed).</summary>
    public static async Task ReleaseAsync(NpgsqlDataSource db, string scope, string key, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "DELETE FROM idempotent_requests WHERE scope = @scope AND key = @key AND status IS NULL AND resource_id IS NULL");
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("key", key);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void BindClaim(NpgsqlParameterCollection parameters, string scope, string key, string hash, string? resourceId, DateTimeOffset now)
    {
        parameters.AddWithValue("scope", scope);
        parameters.AddWithValue("key", key);
        parameters.AddWithValue("hash", hash);
        parameters.AddWithValue("resource", NpgsqlDbType.Text, (object?)resourceId ?? DBNull.Value);
        parameters.AddWithValue("now", now.UtcDateTime);
    }
}
