using System.Text.Json;
using Coordination.Contracts.Common;
using Coordination.Grains.Audit;
using Coordination.Grains.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Agencies;

/// <summary>
/// The SQL of an agency's settings kept as one JSON document per agency — its duty rota
/// (<c>duty_rotas</c>), its escalation policy (<c>escalation_policies</c>) — in one place: each table
/// has <c>agency_id</c>, <c>data</c> and <c>updated_at</c>, and every change is audited with it.
/// </summary>
public sealed class AgencyDocumentStore<T>(string table, T empty)
{
    /// <summary>The agency's document; <c>empty</c> when it never had one.</summary>
    public async Task<T> LoadAsync(NpgsqlDataSource db, string agencyId)
    {
        await using var command = db.CreateCommand($"SELECT data FROM {table} WHERE agency_id = @agency");
        command.Parameters.AddWithValue("agency", agencyId);
        return await command.ExecuteScalarAsync() is string json
            ? JsonSerializer.Deserialize<T>(json, CoordinationJson.Options)!
            : empty;
    }

    /// <summary>Replaces the agency's document and records who changed it in the audit log, in one transaction.</summary>
    public async Task SaveAsync(NpgsqlDataSource db, string agencyId, T document, DateTimeOffset now, NewAuditEntry audit)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        var upsert = new NpgsqlBatchCommand(
            $"INSERT INTO {table} (agency_id, data, updated_at) VALUES (@agency, @data, @now) " +
            "ON CONFLICT (agency_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at");
        upsert.Parameters.AddWithValue("agency", agencyId);
        upsert.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(document, CoordinationJson.Options));
        upsert.Parameters.AddWithValue("now", now);
        batch.BatchCommands.Add(upsert);
        batch.BatchCommands.Add(AuditStore.Append(audit));
        await batch.ExecuteOrUnknownAsync(CancellationToken.None);
    }
}
