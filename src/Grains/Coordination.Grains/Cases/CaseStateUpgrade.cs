using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Cases;

/// <summary>
/// Rewrites case rows stored in an older layout of <c>cases.state</c> (column <c>state_format</c> below
/// <see cref="CaseStateCodec.Format"/>: names in clear, a plain-hash person mark) in the current one,
/// so that an upgraded cluster holds no name in clear and finds every earlier case by the keyed mark.
/// Each silo looks once it serves calls, and then hourly in case a look failed. Only the row's
/// encoding changes, never the case: the update is conditional on the version read, so a case that
/// committed meanwhile (and so wrote the current layout itself) is left alone, and silos upgrading
/// at once only repeat each other.
/// </summary>
public sealed class CaseStateUpgrade(
    NpgsqlDataSource db,
    CaseStateCodec codec,
    IHostApplicationLifetime lifetime,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    ILogger<CaseStateUpgrade> logger) : PeriodicLook(lifetime, clock, logger)
{
    private const int Batch = 200;

    protected override TimeSpan Every => TimeSpan.FromHours(1);

    protected override string Purpose => "case rows to rewrite with sealed names";

    protected override async Task LookAsync(CancellationToken cancellationToken)
    {
        var rewritten = await UpgradeAllAsync(db, codec, cancellationToken);
        if (rewritten > 0)
        {
            logger.LogInformation("Rewrote {Count} case rows with sealed names and keyed person marks", rewritten);
        }
    }

    /// <summary>Rewrites every row of an older layout; returns how many were rewritten.</summary>
    public static async Task<int> UpgradeAllAsync(NpgsqlDataSource db, CaseStateCodec codec, CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (true)
        {
            var rows = await OldRowsAsync(db, cancellationToken);
            var rewritten = 0;
            foreach (var (id, version, state) in rows)
            {
                rewritten += await RewriteAsync(db, codec, id, version, state, cancellationToken);
            }

            total += rewritten;
            if (rows.Count < Batch || rewritten == 0)
            {
                break;
            }
        }

        return total;
    }

    private static async Task<List<(string Id, int Version, string State)>> OldRowsAsync(NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT id, version, state::text FROM cases WHERE state_format < @format ORDER BY id LIMIT @limit");
        command.Parameters.AddWithValue("format", CaseStateCodec.Format);
        command.Parameters.AddWithValue("limit", Batch);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(string, int, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetString(2)));
        }

        return rows;
    }

    private static async Task<int> RewriteAsync(NpgsqlDataSource db, CaseStateCodec codec, string id, int version, string state, CancellationToken cancellationToken)
    {
        var c = codec.Deserialize(state);
        await using var command = db.CreateCommand(
            "UPDATE cases SET state = @state, person_mark = @mark, state_format = @format WHERE id = @id AND version = @version AND state_format < @format");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("state", NpgsqlDbType.Jsonb, codec.Serialize(c));
        command.Parameters.AddWithValue("mark", NpgsqlDbType.Text, (object?)await codec.PersonMarkAsync(c.Citizenship, c.Person, cancellationToken) ?? DBNull.Value);
        command.Parameters.AddWithValue("format", CaseStateCodec.Format);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
