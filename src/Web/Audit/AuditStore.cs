using Coordination.Web.Auth;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Web.Audit;

/// <summary>
/// The web host's SQL of the audit log: reading it, and recording account changes. Reads and
/// changes of a case's personal data are recorded by the case grains, in the same transaction as
/// the change. The database refuses UPDATE and DELETE on the table (migration 0006).
/// </summary>
public sealed class AuditStore(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "SELECT id, at, username, agency_id, case_id, action, fields, address, detail FROM audit_log " +
            "WHERE id > @after AND (@case::text IS NULL OR case_id = @case) " +
            "AND (@from::timestamptz IS NULL OR at >= @from) AND (@to::timestamptz IS NULL OR at < @to) " +
            "ORDER BY id LIMIT @limit");
        command.Parameters.AddWithValue("after", query.After);
        command.Parameters.AddWithValue("case", NpgsqlDbType.Text, (object?)query.CaseId ?? DBNull.Value);
        command.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, query.From is { } from ? from.UtcDateTime : DBNull.Value);
        command.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, query.To is { } to ? to.UtcDateTime : DBNull.Value);
        command.Parameters.AddWithValue("limit", query.Limit);
        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5),
                reader.GetFieldValue<string[]>(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return entries;
    }

    /// <summary>Records an administrator's change to an account; <paramref name="username"/> is the account changed.</summary>
    public async Task AppendAccountEventAsync(HttpContext http, string action, string username, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO audit_log (username, agency_id, action, address, detail) VALUES (@user, @agency, @action, @address, @detail)");
        command.Parameters.AddWithValue("user", http.User.FindFirst(CoordinationClaims.Username)?.Value ?? string.Empty);
        command.Parameters.AddWithValue("agency", NpgsqlDbType.Text, (object?)http.User.FindFirst(CoordinationClaims.Agency)?.Value ?? DBNull.Value);
        command.Parameters.AddWithValue("action", action);
        command.Parameters.AddWithValue("address", NpgsqlDbType.Text, (object?)http.Connection.RemoteIpAddress?.ToString() ?? DBNull.Value);
        command.Parameters.AddWithValue("detail", username);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
