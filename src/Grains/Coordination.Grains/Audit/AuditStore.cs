using Coordination.Contracts.Audit;
using Coordination.Contracts.Common;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Audit;

/// <summary>
/// An entry to append: who (user, agency, address) did what to which fields of whose data.
/// <see cref="CaseIds"/> gives one entry per case; empty, one entry that concerns no case (an
/// account change, an aggregate read). <see cref="Detail"/> holds what the action needs on record,
/// e.g. the lawful basis of an erasure or the account changed.
/// </summary>
public sealed record NewAuditEntry(
    string Username, string? AgencyId, IReadOnlyList<string> CaseIds, string Action, string[] Fields, string? Address, string? Detail)
{
    public static NewAuditEntry By(Actor actor, IReadOnlyList<string> caseIds, string action, string[] fields, string? detail) =>
        new(actor.Username, actor.AgencyId, caseIds, action, fields, actor.Address, detail);
}

/// <summary>
/// The SQL of the audit log, in one place: every writer appends through <see cref="Append"/> (inside
/// its own transaction's batch) or <see cref="AppendAsync"/>, and administrators read it through
/// <see cref="QueryAsync"/>. The database refuses UPDATE and DELETE on the table (migration 0006).
/// </summary>
public static class AuditStore
{
    private const string Insert =
        "INSERT INTO audit_log (username, agency_id, case_id, action, fields, address, detail) " +
        "SELECT @user, NULLIF(@agency, ''), unnest(@cases), @action, @fields, @address, @detail";

    /// <summary>The entry as a statement of the caller's batch, so it commits or rolls back with the change it records.</summary>
    public static NpgsqlBatchCommand Append(NewAuditEntry entry)
    {
        var command = new NpgsqlBatchCommand(Insert);
        Bind(command.Parameters, entry);
        return command;
    }

    public static async Task AppendAsync(NpgsqlDataSource db, NewAuditEntry entry, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(Insert);
        Bind(command.Parameters, entry);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<IReadOnlyList<AuditEntry>> QueryAsync(NpgsqlDataSource db, AuditQuery query, CancellationToken cancellationToken = default)
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

    private static void Bind(NpgsqlParameterCollection parameters, NewAuditEntry entry)
    {
        parameters.AddWithValue("user", entry.Username);
        parameters.AddWithValue("agency", NpgsqlDbType.Text, (object?)entry.AgencyId ?? DBNull.Value);
        // unnest of a single NULL yields the one row of an entry that concerns no case.
        parameters.AddWithValue("cases", NpgsqlDbType.Array | NpgsqlDbType.Text, entry.CaseIds.Count == 0 ? new string?[] { null } : entry.CaseIds.ToArray());
        parameters.AddWithValue("action", entry.Action);
        parameters.AddWithValue("fields", entry.Fields);
        parameters.AddWithValue("address", NpgsqlDbType.Text, (object?)entry.Address ?? DBNull.Value);
        parameters.AddWithValue("detail", NpgsqlDbType.Text, (object?)entry.Detail ?? DBNull.Value);
    }
}
