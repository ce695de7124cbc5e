using System.Globalization;
using System.Net;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Tests.Committees;

/// <summary>
/// A task stored with an area outside the enumeration — as "Prosecution, Coordination" was stored,
/// read as the flag combination 6 — broke its committee's plan for good; migration
/// 0007_out_of_range_areas repairs such rows when the silo starts.
/// </summary>
[Collection(CommitteeSystemCollection.Name)]
public sealed class OutOfRangeAreaRepairTests(CommitteeSystemFixture fixture)
{
    private const string Migration = "0007_out_of_range_areas";

    [Fact]
    public async Task A_plan_broken_by_an_area_outside_the_enumeration_loads_again_after_the_migration()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "tj-repair", "TJ", "Asia/Dushanbe");
        var owner = await field.AgencyAsync("tj-prosecutor", Plans.Agency("LawEnforcement", "Prosecutor's office", "TJ", "Asia/Dushanbe"));
        var due = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        (await secretary.PostAsync($"/api/committees/{committee}/tasks",
            new { title = "Joint investigation teams", area = "Prosecution", ownerAgencyId = owner, dueDate = due })).Expect(HttpStatusCode.Created);

        var silo = fixture.System.Silos.Single();
        var web = fixture.System.Webs.Single();
        await web.StopAsync();
        await silo.StopAsync();

        // Planted as the bug stored it (2 | 4), in a database that has not had the repair yet.
        Assert.Equal(1, await ExecuteAsync(
            """
            UPDATE orleansstorage
            SET payloadbinary = convert_to(replace(convert_from(payloadbinary, 'UTF8'), '"Area":2,', '"Area":6,'), 'UTF8')
            WHERE graintypestring = 'committee' AND grainidextensionstring = @committee
            """, committee));
        Assert.Equal(1, await ExecuteAsync("DELETE FROM schema_migrations WHERE version = @committee", Migration));
        Assert.Contains("\"Area\":6,", await StoredStateAsync(committee));

        await fixture.System.RestartAsync(silo);
        await fixture.System.RestartAsync(web);

        Assert.Contains("\"Area\":4,", await StoredStateAsync(committee));
        var plan = (await secretary.GetAsync($"/api/committees/{committee}/plan")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("Coordination", plan["tasks"]![0]!["area"]!.GetValue<string>());
        var task = (await secretary.GetAsync($"/api/committees/{committee}/tasks/t1")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("Joint investigation teams", task["title"]!.GetValue<string>());
        (await secretary.GetAsync($"/api/committees/{committee}/report?from=2026-01-01&to=2030-01-01")).Expect(HttpStatusCode.OK);
        (await secretary.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/t1", new { status = "InProgress" })).Expect(HttpStatusCode.OK);
    }

    private async Task<int> ExecuteAsync(string sql, string parameter)
    {
        await using var connection = new NpgsqlConnection(fixture.System.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("committee", parameter);
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<string> StoredStateAsync(string committee)
    {
        await using var connection = new NpgsqlConnection(fixture.System.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT convert_from(payloadbinary, 'UTF8') FROM orleansstorage WHERE graintypestring = 'committee' AND grainidextensionstring = @committee", connection);
        command.Parameters.AddWithValue("committee", committee);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
