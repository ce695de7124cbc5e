using System.Text.Json;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Grains.Cases;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Tests.Statistics;

/// <summary>
/// Writes cases and their timelines straight into the tables, with the times a test needs (a flag
/// a second before a period ends, an arrival months ago), in the shape the case grain writes them:
/// through <paramref name="codec"/> when given (personal data encrypted), else as rows written
/// before encryption was introduced, which any silo's codec reads.
/// </summary>
public sealed class CaseSeeder(string connectionString, CaseStateCodec? codec = null)
{
    public async Task SeedAsync(
        string caseId, Person person, string currentCountry, ExploitationType exploitation, params (CaseEventType Type, DateTimeOffset At)[] timeline)
    {
        Assert.Equal(CaseEventType.Flagged, timeline[0].Type);
        var flaggedAt = timeline[0].At;
        var ending = timeline.LastOrDefault(e => e.Type is CaseEventType.Closed or CaseEventType.Withdrawn or CaseEventType.Reopened).Type;
        var status = ending switch
        {
            CaseEventType.Closed => CaseStatus.Closed,
            CaseEventType.Withdrawn => CaseStatus.Withdrawn,
            _ => CaseStatus.Flagged,
        };
        var view = new CaseView(caseId, status, person, currentCountry, "seeded location", Situation.Detained, exploitation,
            [Need.Shelter], Urgency.Urgent, "Seeded region", Consent.AllOrNone(true), ReportedBy.Consulate,
            flaggedAt.Year - person.BirthYear < 18, "seed-post", flaggedAt, timeline[^1].At, [], null, timeline.Length, person.Citizenship);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO cases (id, citizenship, status, flagged_by, agencies, version, state, created_at, updated_at, state_format) " +
            "VALUES (@id, @citizenship, @status, 'seed-post', ARRAY['seed-post'], @version, @state, @created, @updated, @format)", connection, transaction))
        {
            insert.Parameters.AddWithValue("id", caseId);
            insert.Parameters.AddWithValue("citizenship", person.Citizenship);
            insert.Parameters.AddWithValue("status", status.ToString());
            insert.Parameters.AddWithValue("version", timeline.Length);
            insert.Parameters.AddWithValue("state", NpgsqlDbType.Jsonb, codec?.Serialize(view) ?? JsonSerializer.Serialize(view, CoordinationJson.Options));
            insert.Parameters.AddWithValue("format", codec is null ? (short)1 : CaseStateCodec.Format);
            insert.Parameters.AddWithValue("created", flaggedAt.UtcDateTime);
            insert.Parameters.AddWithValue("updated", timeline[^1].At.UtcDateTime);
            await insert.ExecuteNonQueryAsync();
        }

        for (var i = 0; i < timeline.Length; i++)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO case_events (case_id, seq, type, at, agency_id, username) VALUES (@case, @seq, @type, @at, 'seed-post', 'seed')",
                connection, transaction);
            insert.Parameters.AddWithValue("case", caseId);
            insert.Parameters.AddWithValue("seq", i + 1);
            insert.Parameters.AddWithValue("type", timeline[i].Type.ToString());
            insert.Parameters.AddWithValue("at", timeline[i].At.UtcDateTime);
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>Records the seeded case as opened by another door than a consular post: a seeded case otherwise has no channel, as one opened before other doors existed.</summary>
    public async Task OpenedByAsync(string caseId, IdentificationChannel identifiedBy, CaseRoute route)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var update = new NpgsqlCommand("UPDATE cases SET state = state || jsonb_build_object('identifiedBy', @channel, 'route', @route) WHERE id = @case", connection);
        update.Parameters.AddWithValue("case", caseId);
        update.Parameters.AddWithValue("channel", identifiedBy.ToString());
        update.Parameters.AddWithValue("route", route.ToString());
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }

    /// <summary>Records <paramref name="consent"/> as the seeded case's, which otherwise has every consent given.</summary>
    public async Task ConsentAsync(string caseId, Consent consent)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var update = new NpgsqlCommand("UPDATE cases SET state = jsonb_set(state, '{consent}', @consent) WHERE id = @case", connection);
        update.Parameters.AddWithValue("case", caseId);
        update.Parameters.AddWithValue("consent", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(consent, CoordinationJson.Options));
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }

    /// <summary>Gives the seeded case's closures <paramref name="reason"/>; a seeded closure has none, as one recorded before closures took a reason.</summary>
    public async Task CloseForAsync(string caseId, ClosureReason reason)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var update = new NpgsqlCommand("UPDATE case_events SET reason = @reason WHERE case_id = @case AND type = 'Closed'", connection);
        update.Parameters.AddWithValue("case", caseId);
        update.Parameters.AddWithValue("reason", reason.ToString());
        Assert.True(await update.ExecuteNonQueryAsync() > 0);
    }
}
