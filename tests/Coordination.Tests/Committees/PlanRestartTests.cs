using System.Globalization;
using System.Net;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Tests.Committees;

/// <summary>The plan is a row of <c>committees</c> in PostgreSQL: it outlives every process.</summary>
[Collection(CommitteeSystemCollection.Name)]
public sealed class PlanRestartTests(CommitteeSystemFixture fixture)
{
    [Fact]
    public async Task The_plan_and_its_history_survive_a_restart_of_silo_and_web_host()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "kz-restart", "KZ", "Asia/Almaty");
        var owner = await field.AgencyAsync("kz-shelter", Plans.Agency("Shelter", "Shelter Almaty", "KZ", "Asia/Almaty"));
        using var ownerUser = await field.UserAsync("shelter", owner, "NgoCaseworker");
        var due = DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        (await secretary.PostAsync($"/api/committees/{committee}/tasks",
            new { title = "Case management standard", area = "Protection", ownerAgencyId = owner, dueDate = due })).Expect(HttpStatusCode.Created);
        (await ownerUser.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/t1", new { status = "InProgress", note = "Draft circulated" }))
            .Expect(HttpStatusCode.OK);
        var before = (await secretary.GetAsync($"/api/committees/{committee}/tasks/t1")).Expect(HttpStatusCode.OK).Body;
        Assert.Equal(1, await StoredStateRowsAsync(committee));

        var silo = fixture.System.Silos.Single();
        var web = fixture.System.Webs.Single();
        await web.StopAsync();
        await silo.StopAsync();
        await fixture.System.RestartAsync(silo);
        await fixture.System.RestartAsync(web);

        Assert.Equal(before, (await secretary.GetAsync($"/api/committees/{committee}/tasks/t1")).Expect(HttpStatusCode.OK).Body);
        var done = (await ownerUser.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/t1", new { status = "Done" })).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(["Created", "Updated", "Updated"], done["history"]!.AsArray().Select(h => h!["kind"]!.GetValue<string>()));
    }

    /// <summary>Rows of the committee's plan in its table.</summary>
    private async Task<long> StoredStateRowsAsync(string committee)
    {
        await using var connection = new NpgsqlConnection(fixture.System.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM committees WHERE id = @id",
            connection);
        command.Parameters.AddWithValue("id", committee);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
