using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Accounts;

/// <summary>An account's second factor as stored: the encrypted secret, one pending enrolment, the last step accepted, the recovery codes' hashes.</summary>
public sealed record StoredSecondFactor(string? ProtectedSecret, string? PendingSecret, DateTimeOffset? EnrolledAt, long LastStep, IReadOnlyList<string> RecoveryHashes);

/// <summary>The SQL of <c>user_second_factors</c>, in one place.</summary>
public static class SecondFactorStore
{
    public static async Task<StoredSecondFactor?> LoadAsync(NpgsqlDataSource db, string username)
    {
        await using var command = db.CreateCommand(
            "SELECT protected_secret, pending_secret, enrolled_at, last_step, recovery_hashes FROM user_second_factors WHERE username = @username");
        command.Parameters.AddWithValue("username", username);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return new StoredSecondFactor(
            reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt64(3), reader.GetFieldValue<string[]>(4));
    }

    public static async Task SavePendingAsync(NpgsqlDataSource db, string username, string pendingSecret)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO user_second_factors (username, pending_secret) VALUES (@username, @pending) " +
            "ON CONFLICT (username) DO UPDATE SET pending_secret = excluded.pending_secret");
        command.Parameters.AddWithValue("username", username);
        command.Parameters.AddWithValue("pending", pendingSecret);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The pending secret becomes the account's, with its first step accepted and new recovery codes.</summary>
    public static async Task ConfirmAsync(NpgsqlDataSource db, string username, string pendingSecret, long step, string[] recoveryHashes, DateTimeOffset now)
    {
        await using var command = db.CreateCommand(
            "UPDATE user_second_factors SET protected_secret = pending_secret, pending_secret = NULL, enrolled_at = @now, last_step = @step, " +
            "recovery_hashes = @hashes WHERE username = @username AND pending_secret = @pending");
        command.Parameters.AddWithValue("username", username);
        command.Parameters.AddWithValue("pending", pendingSecret);
        command.Parameters.AddWithValue("step", step);
        command.Parameters.AddWithValue("hashes", NpgsqlDbType.Array | NpgsqlDbType.Text, recoveryHashes);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Accepts a time step once: only over the step last accepted.</summary>
    public static async Task<bool> AcceptStepAsync(NpgsqlDataSource db, string username, long lastStep, long step)
    {
        await using var command = db.CreateCommand(
            "UPDATE user_second_factors SET last_step = @step WHERE username = @username AND last_step = @last AND @step > last_step");
        command.Parameters.AddWithValue("username", username);
        command.Parameters.AddWithValue("last", lastStep);
        command.Parameters.AddWithValue("step", step);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public static async Task<bool> SpendRecoveryCodeAsync(NpgsqlDataSource db, string username, string hash)
    {
        await using var command = db.CreateCommand(
            "UPDATE user_second_factors SET recovery_hashes = array_remove(recovery_hashes, @hash) WHERE username = @username AND @hash = ANY (recovery_hashes)");
        command.Parameters.AddWithValue("username", username);
        command.Parameters.AddWithValue("hash", hash);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public static async Task<bool> DeleteAsync(NpgsqlDataSource db, string username)
    {
        await using var command = db.CreateCommand("DELETE FROM user_second_factors WHERE username = @username AND protected_secret IS NOT NULL");
        command.Parameters.AddWithValue("username", username);
        return await command.ExecuteNonQueryAsync() == 1;
    }
}
