using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Coordination.Grains.Cases;
using Coordination.Grains.Hosting;
using Coordination.Grains.Statistics;
using Coordination.ServiceDefaults;
using Coordination.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace Coordination.Tests.Security;

/// <summary>
/// Names are encrypted at rest like passports, and the mark that finds a person's earlier cases is
/// keyed: a database upgraded from rows written with names in clear and plain-hash marks is
/// rewritten by the silos' upgrade, with nothing of the case changed.
/// </summary>
[Collection("security")]
public sealed class SealedNamesTests(SecurityFixture fixture)
{
    [Fact]
    public async Task A_row_stored_with_the_name_in_clear_is_rewritten_sealed_with_the_keyed_mark_and_the_case_unchanged()
    {
        const string name = "Nurzhan Abdyldaeva";
        var world = fixture.World;
        var flagged = (await world.Consul.PostAsync("/api/cases", Field.Flag(name, "F", 1993, "KG", "TR", world.Field.Region("Talas"), ["Legal"])))
            .Expect(HttpStatusCode.Created).Json!;
        var caseId = flagged["id"]!.GetValue<string>();
        var keyedMark = await fixture.ScalarAsync<string>("SELECT person_mark FROM cases WHERE id = @id", ("id", caseId));
        var version = await fixture.ScalarAsync<int>("SELECT version FROM cases WHERE id = @id", ("id", caseId));

        // The row as a silo before this release wrote it: the name in clear, a plain SHA-256 mark, layout 1.
        var protector = fixture.PersonalDataProtector();
        var state = JsonNode.Parse((await fixture.ScalarAsync<string>("SELECT state::text FROM cases WHERE id = @id", ("id", caseId)))!)!.AsObject();
        var person = state["person"]!.AsObject();
        person["fullName"] = protector.Unprotect(person["protectedFullName"]!.GetValue<string>());
        person.Remove("protectedFullName");
        var plainMark = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(PersonIdentity.NameKey("KG", name, 1993)!)));
        await ExecuteAsync("UPDATE cases SET state = @state::jsonb, person_mark = @mark, state_format = 1 WHERE id = @id",
            ("state", state.ToJsonString()), ("mark", plainMark), ("id", caseId));
        Assert.Equal(1L, await fixture.ScalarAsync<long>("SELECT count(*) FROM cases WHERE id = @id AND strpos(state::text, @name) > 0", ("id", caseId), ("name", name)));

        // The upgrade each silo runs at start, with the silos' key ring.
        await using var db = CoordinationDatabase.CreateDataSource(fixture.System.ConnectionString);
        var keyRing = DataProtectionProvider.Create(new DirectoryInfo(fixture.System.KeyDirectory), b => b.SetApplicationName(CoordinationGrainsExtensions.ApplicationName));
        var codec = new CaseStateCodec(keyRing, new PersonMarkKey(db, keyRing));
        Assert.True(await CaseStateUpgrade.UpgradeAllAsync(db, codec) >= 1);

        var upgraded = (await fixture.ScalarAsync<string>("SELECT state::text FROM cases WHERE id = @id", ("id", caseId)))!;
        Assert.DoesNotContain("Nurzhan", upgraded, StringComparison.Ordinal);
        Assert.DoesNotContain("Abdyldaeva", upgraded, StringComparison.Ordinal);
        Assert.Equal(name, codec.Deserialize(upgraded).Person!.FullName);
        Assert.Equal(CaseStateCodec.Format, await fixture.ScalarAsync<short>("SELECT state_format FROM cases WHERE id = @id", ("id", caseId)));
        Assert.Equal(keyedMark, await fixture.ScalarAsync<string>("SELECT person_mark FROM cases WHERE id = @id", ("id", caseId)));
        Assert.Equal(version, await fixture.ScalarAsync<int>("SELECT version FROM cases WHERE id = @id", ("id", caseId)));
        Assert.Equal(0, await CaseStateUpgrade.UpgradeAllAsync(db, codec));

        // The case reads as before, and its next commit still succeeds on top of the rewritten row.
        var read = (await world.Consul.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(name, read["person"]!["fullName"]!.GetValue<string>());
        (await world.Consul.PostAsync($"/api/cases/{caseId}/events", new { type = "Verified" })).Expect(HttpStatusCode.OK);
        Assert.Equal(version + 1, await fixture.ScalarAsync<int>("SELECT version FROM cases WHERE id = @id", ("id", caseId)));
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(fixture.System.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value);
        }

        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
