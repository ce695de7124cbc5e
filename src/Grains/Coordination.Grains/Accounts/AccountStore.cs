using Coordination.Contracts.Accounts;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Accounts;

/// <summary>The SQL of user accounts (the <c>users</c> table), in one place.</summary>
public static class AccountStore
{
    private const string UserColumns = "username, password_hash, display_name, agency_id, roles, language, disabled, locked_until, country";

    public static async Task<UserRecord?> FindAsync(NpgsqlDataSource db, string username, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"SELECT {UserColumns} FROM users WHERE username = @username");
        command.Parameters.AddWithValue("username", username);
        return (await ReadUsersAsync(command, cancellationToken)).SingleOrDefault();
    }

    public static async Task<IReadOnlyList<UserRecord>> ListAsync(NpgsqlDataSource db, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"SELECT {UserColumns} FROM users ORDER BY username");
        return await ReadUsersAsync(command, cancellationToken);
    }

    /// <summary>See <see cref="IAccountsGrain.FindByPasswordReset"/>.</summary>
    public static async Task<UserRecord?> FindByPasswordResetAsync(NpgsqlDataSource db, string tokenHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            $"SELECT {UserColumns} FROM users WHERE reset_token_hash = @token AND reset_expires_at > @now AND NOT disabled");
        command.Parameters.AddWithValue("token", tokenHash);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        return (await ReadUsersAsync(command, cancellationToken)).SingleOrDefault();
    }

    private static async Task<IReadOnlyList<UserRecord>> ReadUsersAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var users = new List<UserRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(new UserRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<string[]>(4), reader.GetString(5), reader.GetBoolean(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return users;
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
            "INSERT INTO users (username, password_hash, display_name, agency_id, roles, language, country) " +
            "VALUES (@username, @hash, @display, @agency, @roles, @language, @country) ON CONFLICT (username) DO NOTHING");
        command.Parameters.AddWithValue("username", user.Username);
        command.Parameters.AddWithValue("hash", user.PasswordHash);
        command.Parameters.AddWithValue("display", user.DisplayName);
        command.Parameters.AddWithValue("agency", NpgsqlDbType.Text, (object?)user.AgencyId ?? DBNull.Value);
        command.Parameters.AddWithValue("roles", user.Roles);
        command.Parameters.AddWithValue("language", user.Language);
        command.Parameters.AddWithValue("country", NpgsqlDbType.Text, (object?)user.Country ?? DBNull.Value);
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

    /// <summary>See <see cref="IAccountsGrain.Update"/>.</summary>
    public static async Task<bool> UpdateAsync(NpgsqlDataSource db, UserEdit edit, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "UPDATE users SET display_name = @display, agency_id = @agency, roles = @roles, language = @language, country = @country, " +
            "tokens_valid_after = CASE WHEN agency_id IS DISTINCT FROM @agency OR roles <> @roles OR country IS DISTINCT FROM @country " +
            "THEN @now ELSE tokens_valid_after END " +
            "WHERE username = @username");
        command.Parameters.AddWithValue("username", edit.Username);
        command.Parameters.AddWithValue("display", edit.DisplayName);
        command.Parameters.AddWithValue("agency", NpgsqlDbType.Text, (object?)edit.AgencyId ?? DBNull.Value);
        command.Parameters.AddWithValue("roles", edit.Roles);
        command.Parameters.AddWithValue("language", edit.Language);
        command.Parameters.AddWithValue("country", NpgsqlDbType.Text, (object?)edit.Country ?? DBNull.Value);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>See <see cref="IAccountsGrain.IssuePasswordReset"/>.</summary>
    public static async Task<bool> IssuePasswordResetAsync(
        NpgsqlDataSource db, string username, string tokenHash, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "UPDATE users SET reset_token_hash = @token, reset_expires_at = @expires WHERE username = @username");
        command.Parameters.AddWithValue("username", username);
        command.Parameters.AddWithValue("token", tokenHash);
        command.Parameters.AddWithValue("expires", expiresAt.UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>See <see cref="IAccountsGrain.CompletePasswordReset"/>: one UPDATE, so of two uses at once only one finds the link.</summary>
    public static async Task<bool> CompletePasswordResetAsync(
        NpgsqlDataSource db, string tokenHash, string passwordHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "UPDATE users SET password_hash = @hash, reset_token_hash = NULL, reset_expires_at = NULL, failed_sign_ins = 0, locked_until = NULL, " +
            "tokens_valid_after = @now WHERE reset_token_hash = @token AND reset_expires_at > @now AND NOT disabled");
        command.Parameters.AddWithValue("token", tokenHash);
        command.Parameters.AddWithValue("hash", passwordHash);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
