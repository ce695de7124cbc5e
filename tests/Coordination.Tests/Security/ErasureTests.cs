using System.Net;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Security;

/// <summary>On a lawful request an administrator erases who the person was; what the case was stays, and statistics with it.</summary>
[Collection("security")]
public sealed class ErasureTests(SecurityFixture fixture)
{
    private const string Period = "country=KG&from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&k=5";

    [Fact]
    public async Task An_admin_erases_the_name_passport_and_phone_of_a_closed_case_and_the_case_still_counts_the_same()
    {
        var (consul, worker, caseId) = await AcceptedCaseAsync("Erasable Person", "AB3141592", "+996 777 000 111");
        await CaseLifecycle.CloseAsync(consul, worker, caseId, "CXR");
        var analyst = fixture.World.Caller("post: Analyst");
        var exportBefore = (await analyst.GetAsync($"/api/statistics/export.csv?{Period}")).Expect(HttpStatusCode.OK).Body;

        var erased = (await fixture.World.Admin.PostAsync($"/api/cases/{caseId}/erasure", new { reason = "Art. 17 request received 2026-03-01, ref 42" }))
            .Expect(HttpStatusCode.OK).Json!;
        Assert.Null(erased["person"]);

        var read = (await consul.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
        var person = read["person"]!;
        Assert.Null(person["fullName"]);
        Assert.Null(person["passportNumber"]);
        Assert.Null(person["phone"]);
        Assert.Equal("F", person["sex"]!.GetValue<string>());
        Assert.Equal(1990, person["birthYear"]!.GetValue<int>());
        Assert.Equal("KG", person["citizenship"]!.GetValue<string>());
        Assert.Equal("Closed", read["status"]!.GetValue<string>());
        Assert.NotNull(read["personalDataErasedAt"]);

        var state = await fixture.ScalarAsync<string>("SELECT state::text FROM cases WHERE id = @id", ("id", caseId));
        Assert.DoesNotContain("Erasable", state);
        Assert.DoesNotContain("protectedPassportNumber", state);
        Assert.DoesNotContain("protectedPhone", state);
        Assert.DoesNotContain("protectedFullName", state);

        var timeline = (await consul.GetAsync($"/api/cases/{caseId}/timeline")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal("PersonalDataErased", timeline[^1]!["type"]!.GetValue<string>());
        var audit = (await fixture.World.Admin.GetAsync($"/api/audit?caseId={caseId}")).Expect(HttpStatusCode.OK).Json!.AsArray();
        var entry = audit.Single(e => e!["action"]!.GetValue<string>() == "case.erase")!;
        Assert.Equal("admin", entry["username"]!.GetValue<string>());
        Assert.Null(entry["agencyId"]);
        Assert.Equal("Art. 17 request received 2026-03-01, ref 42", entry["detail"]!.GetValue<string>());
        Assert.Equal(["fullName", "passportNumber", "phone"], entry["fields"]!.AsArray().Select(f => f!.GetValue<string>()));

        // Statistics are the same; erasing again changes nothing; the case cannot come back.
        Assert.Equal(exportBefore, (await analyst.GetAsync($"/api/statistics/export.csv?{Period}")).Expect(HttpStatusCode.OK).Body);
        var before = await fixture.SnapshotAsync();
        (await fixture.World.Admin.PostAsync($"/api/cases/{caseId}/erasure", new { reason = "asked twice" })).Expect(HttpStatusCode.OK);
        Assert.Equal(before, await fixture.SnapshotAsync());
        await fixture.RefusedWithoutChangeAsync(() => consul.PostAsync($"/api/cases/{caseId}/events", new { type = "Reopened" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_withdrawn_case_can_be_erased_an_open_one_cannot_and_an_unknown_one_is_404()
    {
        var (consul, _, caseId) = await AcceptedCaseAsync("Nurzhan Alieva", "WD1234567", "+996 700 999 888");
        await fixture.RefusedWithoutChangeAsync(
            () => fixture.World.Admin.PostAsync($"/api/cases/{caseId}/erasure", new { reason = "too early" }), HttpStatusCode.Conflict);
        (await consul.PostAsync($"/api/cases/{caseId}/events", new { type = "Withdrawn", note = "the family withdrew the request" })).Expect(HttpStatusCode.OK);
        (await fixture.World.Admin.PostAsync($"/api/cases/{caseId}/erasure", new { reason = "request of the family" })).Expect(HttpStatusCode.OK);
        Assert.Null((await consul.GetAsync($"/api/cases/{caseId}")).Json!["person"]!["fullName"]);

        await fixture.RefusedWithoutChangeAsync(
            () => fixture.World.Admin.PostAsync("/api/cases/KG-2020-999999/erasure", new { reason = "no such case" }), HttpStatusCode.NotFound);
    }

    private async Task<(ApiClient Consul, ApiClient Worker, string CaseId)> AcceptedCaseAsync(string name, string passport, string phone)
    {
        var world = fixture.World;
        var region = world.Field.Region($"Erasure-{Guid.NewGuid():N}"[..20]);
        var ngo = await world.Field.AgencyAsync($"kg-er-{Guid.NewGuid():N}"[..12], Field.Receiving("Ngo", "KG", "Cholpon-Ata", "Asia/Bishkek", [region], ["CXR"], ["Shelter"]));
        var worker = await world.Field.UserAsync($"er-{Guid.NewGuid():N}"[..10], ngo, "NgoCaseworker");
        var flagged = (await world.Consul.PostAsync("/api/cases", Field.Flag(name, "F", 1990, "KG", "TR", region, ["Shelter"], passport: passport, phone: phone)))
            .Expect(HttpStatusCode.Created).Json!;
        var caseId = flagged["id"]!.GetValue<string>();
        (await worker.PostAsync($"/api/cases/{caseId}/referrals/{flagged["referrals"]![0]!["id"]!.GetValue<string>()}/accept", null)).Expect(HttpStatusCode.OK);
        return (world.Consul, worker, caseId);
    }
}
