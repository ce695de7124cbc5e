using System.Text.Json;
using Coordination.Contracts.Common;
using Coordination.Contracts.Places;
using Coordination.Grains.Audit;
using Coordination.Grains.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Places;

/// <summary>The SQL of the <c>places</c> table, in one place: each place is one JSON document keyed by its code.</summary>
public static class PlaceStore
{
    public static async Task<IReadOnlyList<Place>> LoadAsync(NpgsqlDataSource db)
    {
        var places = new List<Place>();
        await using var command = db.CreateCommand("SELECT data FROM places ORDER BY code");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            places.Add(JsonSerializer.Deserialize<Place>(reader.GetString(0), CoordinationJson.Options)!);
        }

        return places;
    }

    /// <summary>Stores the place and who registered it in the audit log, in one transaction; false when its code is taken (nothing written).</summary>
    public static async Task<bool> InsertAsync(NpgsqlDataSource db, Place place, NewAuditEntry audit)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        var insert = new NpgsqlBatchCommand("INSERT INTO places (code, data) VALUES (@code, @data)");
        insert.Parameters.AddWithValue("code", place.Code);
        insert.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(place, CoordinationJson.Options));
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(AuditStore.Append(audit));
        try
        {
            await batch.ExecuteOrUnknownAsync(CancellationToken.None);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
    }
}
