using System.Net;
using System.Text.Json.Nodes;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Tests.Security;

/// <summary>Every read and change of personal data is on record, and the record cannot be rewritten.</summary>
[Collection("security")]
public sealed class AuditTests(SecurityFixture fixture)
{
    [Fact]
    public async Task Reads_and_changes_of_personal_data_are_audited_with_who_which_agency_when_which_fields_and_from_where()
    {
        var world = fixture.World;
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var region = world.Field.Region("Audit");
        var ngo = await world.Field.AgencyAsync("kg-audit", Field.Receiving("Ngo", "KG", "Batken", "Asia/Bishkek", [region], [], ["Shelter"]));
        using var worker = await world.Field.UserAsync("audit-worker", ngo, "NgoCaseworker");
        var consul = world.Consul;

        var flagged = (await consul.PostAsync("/api/cases", Field.Flag("Audit Person", "F", 1993, "KG", "TR", region, ["Shelter"], phone: null)))
            .Expect(HttpStatusCode.Created).Json!;
        var caseId = flagged["id"]!.GetValue<string>();
        var referral = flagged["referrals"]![0]!["id"]!.GetValue<string>();
        (await worker.PostAsync($"/api/cases/{caseId}/referrals/{referral}/accept", null)).Expect(HttpStatusCode.OK);
        (await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK);
        (await worker.GetAsync("/api/cases?limit=500")).Expect(HttpStatusCode.OK);
        (await worker.PostAsync($"/api/cases/{caseId}/events", new { type = "ConsentWithdrawn" })).Expect(HttpStatusCode.OK);
        Assert.Null((await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!["person"]); // nothing shown, nothing to audit
        (await consul.PostAsync($"/api/cases/{caseId}/events", new { type = "ConsentGiven", note = "confirmed in writing" })).Expect(HttpStatusCode.OK);

        var entries = (await world.Admin.GetAsync($"/api/audit?caseId={caseId}")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal(["case.flag", "case.read", "case.list", "case.consent.withdrawn", "case.consent.given"], entries.Select(e => e!["action"]!.GetValue<string>()));
        var consulName = world.Username("post: ConsularOfficer");
        var workerName = world.Field.Id("audit-worker");
        Assert.Equal([consulName, workerName, workerName, workerName, consulName], entries.Select(e => e!["username"]!.GetValue<string>()));
        Assert.Equal([world.Post, ngo, ngo, ngo, world.Post], entries.Select(e => e!["agencyId"]!.GetValue<string>()));
        Assert.All(entries, e =>
        {
            Assert.Equal(caseId, e!["caseId"]!.GetValue<string>());
            Assert.Equal("127.0.0.1", e["address"]!.GetValue<string>());
            var at = e["at"]!.GetValue<DateTimeOffset>();
            Assert.InRange(at, started, DateTimeOffset.UtcNow.AddSeconds(1));
        });
        Assert.Equal(["fullName", "birthYear", "sex", "passportNumber"], Fields(entries[0]!)); // flagged without a phone
        Assert.Equal(["fullName", "birthYear", "sex", "passportNumber", "phone"], Fields(entries[1]!));
        Assert.Equal(["consent"], Fields(entries[3]!));

        // Filters: a period, and paging by id.
        var ids = entries.Select(e => e!["id"]!.GetValue<long>()).ToList();
        var page = (await world.Admin.GetAsync($"/api/audit?caseId={caseId}&after={ids[1]}&limit=2")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal(ids.Skip(2).Take(2), page.Select(e => e!["id"]!.GetValue<long>()));
        var until = Uri.EscapeDataString(entries[0]!["at"]!.GetValue<DateTimeOffset>().AddTicks(10).ToString("O"));
        var before = (await world.Admin.GetAsync($"/api/audit?caseId={caseId}&to={until}")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal("case.flag", Assert.Single(before)!["action"]!.GetValue<string>());
        Assert.Empty((await world.Admin.GetAsync($"/api/audit?caseId={caseId}&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}")).Json!.AsArray());
    }

    [Fact]
    public async Task The_database_refuses_to_change_or_delete_audit_entries()
    {
        var id = await fixture.ScalarAsync<long>(
            "INSERT INTO audit_log (username, agency_id, case_id, action, fields) VALUES ('tester', NULL, NULL, 'test.entry', '{}') RETURNING id");
        await using var connection = new NpgsqlConnection(fixture.System.ConnectionString);
        await connection.OpenAsync();

        // Even the superuser the tests connect as is refused by the triggers...
        foreach (var sql in new[]
                 {
                     $"UPDATE audit_log SET username = 'someone-else' WHERE id = {id}",
                     $"DELETE FROM audit_log WHERE id = {id}",
                     "TRUNCATE audit_log",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        // ...and the application's role has no right to try, while it may still append and read.
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var setRole = new NpgsqlCommand("SET LOCAL ROLE coordination_app", connection, transaction);
            await setRole.ExecuteNonQueryAsync();
            await using var append = new NpgsqlCommand("INSERT INTO audit_log (username, action) VALUES ('app', 'test.append') RETURNING id", connection, transaction);
            Assert.True((long)(await append.ExecuteScalarAsync())! > id);
            await using var update = new NpgsqlCommand($"UPDATE audit_log SET action = 'x' WHERE id = {id}", connection, transaction);
            var denied = await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
            Assert.Contains("permission denied", denied.MessageText, StringComparison.Ordinal);
            await transaction.RollbackAsync();
        }

        Assert.Equal("tester", await fixture.ScalarAsync<string>($"SELECT username FROM audit_log WHERE id = {id}"));
    }

    private static List<string> Fields(JsonNode entry) => entry["fields"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
}
