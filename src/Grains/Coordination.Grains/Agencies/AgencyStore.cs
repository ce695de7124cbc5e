using System.Text.Json;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Grains.Audit;
using Coordination.Grains.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Agencies;

/// <summary>The SQL of the <c>agencies</c> table, in one place: each agency is one JSON document keyed by its id.</summary>
public static class AgencyStore
{
    public static async Task<IReadOnlyList<Agency>> LoadAsync(NpgsqlDataSource db)
    {
        var agencies = new List<Agency>();
        await using var command = db.CreateCommand("SELECT data FROM agencies ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var agency = JsonSerializer.Deserialize<Agency>(reader.GetString(0), CoordinationJson.Options)!;
            agencies.Add(agency with { ArrivalPoints = agency.ArrivalPoints ?? agency.Airports });
        }

        return agencies;
    }

    /// <summary>False when an agency with the same id exists (nothing written).</summary>
    public static async Task<bool> InsertAsync(NpgsqlDataSource db, Agency agency)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO agencies (id, data) VALUES (@id, @data) ON CONFLICT (id) DO NOTHING");
        command.Parameters.AddWithValue("id", agency.Id);
        command.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, Serialize(agency));
        return await command.ExecuteNonQueryAsync() > 0;
    }

    /// <summary>Replaces the stored agency and records who changed it in the audit log, in one transaction.</summary>
    public static async Task UpdateAsync(NpgsqlDataSource db, Agency agency, NewAuditEntry audit)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        var update = new NpgsqlBatchCommand("UPDATE agencies SET data = @data WHERE id = @id");
        update.Parameters.AddWithValue("id", agency.Id);
        update.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, Serialize(agency));
        batch.BatchCommands.Add(update);
        batch.BatchCommands.Add(AuditStore.Append(audit));
        await batch.ExecuteOrUnknownAsync(CancellationToken.None);
    }

    private static string Serialize(Agency agency) => JsonSerializer.Serialize(agency, CoordinationJson.Options);
}
