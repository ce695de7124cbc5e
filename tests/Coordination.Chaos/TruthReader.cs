using System.Net;
using System.Text.Json.Nodes;
using Coordination.Chaos.Checking;
using Npgsql;

namespace Coordination.Chaos;

/// <summary>Reads what the system holds after the quiet period: feeds and cases from the database, the plan through the API.</summary>
public static class TruthReader
{
    public static async Task<Truth> ReadAsync(NpgsqlDataSource db, ChaosSystem system, DateTimeOffset readAt)
    {
        var feed = new List<FeedRow>();
        await using (var command = db.CreateCommand(
            "SELECT agency_id, seq, id, dedupe_key, type, case_id, occurred_at, requires_ack, ack_deadline, acknowledged_at, " +
            "data->>'itemId', data->>'escalation' FROM feed_items ORDER BY agency_id, seq"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                feed.Add(new FeedRow(reader.GetString(0), reader.GetInt64(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), Utc(reader, 6), reader.GetBoolean(7),
                    reader.IsDBNull(8) ? null : Utc(reader, 8), reader.IsDBNull(9) ? null : Utc(reader, 9),
                    reader.IsDBNull(10) ? null : Guid.Parse(reader.GetString(10)),
                    reader.IsDBNull(11) ? null : int.Parse(reader.GetString(11), System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        var cases = new List<CaseRow>();
        await using (var command = db.CreateCommand(
            "SELECT c.id, c.status, c.state, coalesce(array_agg(k.key) FILTER (WHERE k.key IS NOT NULL), '{}') " +
            "FROM cases c LEFT JOIN idempotent_requests k ON k.resource_id = c.id GROUP BY c.id"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var state = JsonNode.Parse(reader.GetString(2))!;
                // The state is the case view in the API's JSON (CaseStateCodec), personal data encrypted.
                var referrals = (state["referrals"]?.AsArray() ?? []).Select(r => new ReferralRow(
                    r!["id"]!.GetValue<string>(), r["toAgencyId"]!.GetValue<string>(), r["status"]!.GetValue<string>())).ToList();
                cases.Add(new CaseRow(reader.GetString(0), reader.GetFieldValue<string[]>(3), reader.GetString(1), referrals,
                    state["travel"] is JsonObject));
            }
        }

        var plan = await system.Secretary.Via(0).GetAsync($"/api/committees/{system.CommitteeId}/plan");
        plan.Expect(HttpStatusCode.OK);
        var tasks = plan.Json!["tasks"]!.AsArray().Select(t => new TaskRow(t!["id"]!.GetValue<string>(), t["status"]!.GetValue<string>())).ToList();
        return new Truth(readAt, feed, cases, tasks);
    }

    private static DateTimeOffset Utc(NpgsqlDataReader reader, int column) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(column), DateTimeKind.Utc));
}
