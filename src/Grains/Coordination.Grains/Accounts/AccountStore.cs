using Coordination.Contracts.Accounts;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Accounts;

/// <summary>The SQL of user accounts (the <c>users</c> table), in one place.</summary>
public static class AccountStore
{
    public static async Task<UserRecord?> FindAsync(NpgsqlDataSource db, string username, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT username, password_hash, display_name, agency_id, roles, language, disabled, locked_until FROM users WHERE username = @username");
        command.Parameters.AddWithValue("username", username);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new UserRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<string[]>(4), reader.GetString(5), reader.GetBoolean(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7));
    }

    public static async Task<AccountStanding?> FindStandingAsync(NpgsqlDataSource db, string username, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT disabled, tokens_valid_after FROM users WHERE username = @username");
        command.Parameters.AddWithValue("username", username);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new AccountStanding(reader.GetBoolean(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
    }

    /// <summary>Inserts the user unless the username is taken; true when inserted.</summary>
    public static async Task<bool> TryCreateAsync(NpgsqlDataSource db, UserRecord user, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO users (username, password_hash, display_name, agency_id, roles, language) " +
            "VALUES (@username, @hash, @display, @agency, @roles, @language) ON CONFLICT (username) DO NOTHING");
        command.Parameters.AddWithValue("username", user.Username);
        command.Parameters.AddWithValue("hash", user.PasswordHash);
        command.Parameters.AddWithValue("display", user.DisplayName);
        command.Parameters.AddWithValue("agency", NpgsqlDbType.Text, (object?)user.AgencyId ?? DBNull.Value);
        command.Parameters.AddWithValue("roles", user.Roles);
        command.Parameters.AddWithValue("language", user.Language);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>See <see cref="IAccountsGrain.RecordFailedSignIn"/>.</summary>
    public static async Task<DateTimeOffset?> RecordFailedSignInAsync(
        NpgsqlDataSource db, string username, int threshold, DateTimeOffset lockedUntil, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "UPDATE users SET " +
            "failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= @threshold THEN 0 ELSE failed_sign_ins + 1 END, " +
            "locked_until = CASE WHEN failed_sign_ins + 1 >= @threshold THEN @until ELSE locked_until END " +
            "WHERE username = @username RETURNING failed_sign_ins = 0");
        command.Parameters.AddWithValue("username", username);
        command.Parameters.AddWithValue("threshold", threshold);
        command.Parameters.AddWithValue("until", lockedUntil.UtcDateTime);
        return await command.ExecuteScalarAsync(cancellationToken) is true ? lockedUntil : null;
    }

    /// <summary>A successful sign-in clears the failure count (written only when there is one to clear).</summary>
    public static async Task RecordSignInAsync(NpgsqlDataSource db, string username, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "UPDATE users SET failed_sign_ins = 0, locked_until = NULL " +
            "WHERE username = @username AND (failed_sign_ins <> 0 OR locked_until IS NOT NULL)");
        command.Parameters.AddWithValue("username", username);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>See <see cref="IAccountsGrain.SetDisabled"/>.</summary>
    public static async Task<bool> SetDisabledAsync(
        NpgsqlDataSource db, string username, bool disabled, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "UPDATE users SET disabled = @disabled, disabled_at = CASE WHEN @disabled THEN @now END, " +
            "tokens_valid_after = CASE WHEN @disabled THEN @now ELSE tokens_valid_after END WHERE username = @username");
        command.Parameters.AddWithValue("username", username);
        command.Parameters.AddWithValue("disabled", disabled);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
