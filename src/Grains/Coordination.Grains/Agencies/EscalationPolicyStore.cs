using System.Text.Json;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Grains.Audit;
using Coordination.Grains.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Agencies;

/// <summary>The SQL of the <c>escalation_policies</c> table, in one place: each agency's policy is one JSON document.</summary>
public static class EscalationPolicyStore
{
    /// <summary>The agency's policy; empty when it never had one.</summary>
    public static async Task<EscalationPolicy> LoadAsync(NpgsqlDataSource db, string agencyId)
    {
        await using var command = db.CreateCommand("SELECT data FROM escalation_policies WHERE agency_id = @agency");
        command.Parameters.AddWithValue("agency", agencyId);
        return await command.ExecuteScalarAsync() is string json
            ? JsonSerializer.Deserialize<EscalationPolicy>(json, CoordinationJson.Options)!
            : EscalationPolicy.Empty;
    }

    /// <summary>Replaces the agency's policy and records who changed it in the audit log, in one transaction.</summary>
    public static async Task SaveAsync(NpgsqlDataSource db, string agencyId, EscalationPolicy policy, DateTimeOffset now, NewAuditEntry audit)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        var upsert = new NpgsqlBatchCommand(
            "INSERT INTO escalation_policies (agency_id, data, updated_at) VALUES (@agency, @data, @now) " +
            "ON CONFLICT (agency_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at");
        upsert.Parameters.AddWithValue("agency", agencyId);
        upsert.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(policy, CoordinationJson.Options));
        upsert.Parameters.AddWithValue("now", now);
        batch.BatchCommands.Add(upsert);
        batch.BatchCommands.Add(AuditStore.Append(audit));
        await batch.ExecuteOrUnknownAsync(CancellationToken.None);
    }
}
