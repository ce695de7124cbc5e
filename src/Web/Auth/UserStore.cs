using Npgsql;

namespace Coordination.Web.Auth;

public sealed record UserRecord(string Username, string PasswordHash, string DisplayName, string? AgencyId, string[] Roles, string Language, bool Disabled);

/// <summary>The SQL of user accounts, in one place.</summary>
public sealed class UserStore(NpgsqlDataSource db)
{
    public async Task<UserRecord?> FindAsync(string username, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "SELECT username, password_hash, display_name, agency_id, roles, language, disabled FROM users WHERE username = @username");
        command.Parameters.AddWithValue("username", username);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new UserRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<string[]>(4), reader.GetString(5), reader.GetBoolean(6));
    }

    /// <summary>Inserts the user unless the username is taken; true when inserted.</summary>
    public async Task<bool> TryCreateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO users (username, password_hash, display_name, agency_id, roles, language) " +
            "VALUES (@username, @hash, @display, @agency, @roles, @language) ON CONFLICT (username) DO NOTHING");
        command.Parameters.AddWithValue("username", user.Username);
        command.Parameters.AddWithValue("hash", user.PasswordHash);
        command.Parameters.AddWithValue("display", user.DisplayName);
        command.Parameters.AddWithValue("agency", NpgsqlTypes.NpgsqlDbType.Text, (object?)user.AgencyId ?? DBNull.Value);
        command.Parameters.AddWithValue("roles", user.Roles);
        command.Parameters.AddWithValue("language", user.Language);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
