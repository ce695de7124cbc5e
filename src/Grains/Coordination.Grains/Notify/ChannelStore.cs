using Npgsql;

namespace Coordination.Grains.Notify;

/// <summary>A user's row of <c>user_channels</c> as the channels grain reads it.</summary>
public sealed record StoredChannels(string? Email, DateTimeOffset? EmailVerifiedAt, string? CodeHash, DateTimeOffset? CodeExpiresAt, int CodeAttempts)
{
    public static readonly StoredChannels None = new(null, null, null, null, 0);
}

/// <summary>The SQL of the <c>user_channels</c> table, in one place.</summary>
public static class ChannelStore
{
    public static async Task<StoredChannels> LoadAsync(NpgsqlDataSource db, string username)
    {
        await using var command = db.CreateCommand(
            "SELECT email, email_verified_at, email_code_hash, email_code_expires_at, email_code_attempts FROM user_channels WHERE username = @user");
        command.Parameters.AddWithValue("user", username);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return StoredChannels.None;
        }

        return new StoredChannels(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
            reader.GetInt32(4));
    }

    /// <summary>Writes the whole row (a user's first channel creates it).</summary>
    public static async Task SaveAsync(NpgsqlDataSource db, string username, StoredChannels channels)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO user_channels (username, email, email_verified_at, email_code_hash, email_code_expires_at, email_code_attempts) " +
            "VALUES (@user, @email, @verified, @hash, @expires, @attempts) " +
            "ON CONFLICT (username) DO UPDATE SET email = excluded.email, email_verified_at = excluded.email_verified_at, " +
            "email_code_hash = excluded.email_code_hash, email_code_expires_at = excluded.email_code_expires_at, " +
            "email_code_attempts = excluded.email_code_attempts");
        command.Parameters.AddWithValue("user", username);
        command.Parameters.AddWithValue("email", (object?)channels.Email ?? DBNull.Value);
        command.Parameters.AddWithValue("verified", (object?)channels.EmailVerifiedAt ?? DBNull.Value);
        command.Parameters.AddWithValue("hash", (object?)channels.CodeHash ?? DBNull.Value);
        command.Parameters.AddWithValue("expires", (object?)channels.CodeExpiresAt ?? DBNull.Value);
        command.Parameters.AddWithValue("attempts", channels.CodeAttempts);
        await command.ExecuteNonQueryAsync();
    }
}
