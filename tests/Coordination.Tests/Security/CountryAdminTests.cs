using System.Net;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Security;

/// <summary>
/// A country administrator manages its own country's agencies and users, over HTTP against the real
/// processes; another country's are, for it, as if they did not exist (404), and it sees no case.
/// </summary>
[Collection("security")]
public sealed class CountryAdminTests(SecurityFixture fixture)
{
    private SecurityWorld World => fixture.World;

    [Fact]
    public async Task A_country_administrator_of_KG_manages_KG_only_and_a_TJ_agency_or_user_does_not_exist_for_it()
    {
        var field = World.Field;
        var tjNgo = await field.AgencyAsync("tj-ngo", Field.Receiving("Ngo", "TJ", "Dushanbe", "Asia/Dushanbe", [field.Region("Sughd")], [], ["Shelter"]));
        using var _ = await field.UserAsync("tj-worker", tjNgo, "NgoCaseworker");
        var tjWorker = field.Id("tj-worker");
        var kgAdminName = field.Id("kg-admin");
        var created = (await World.Admin.PostAsync("/api/users",
            new { username = kgAdminName, password = Field.Password, displayName = "KG administrator", roles = new[] { "CountryAdmin" }, country = "KG", language = "ky" }))
            .Expect(HttpStatusCode.Created).Json!;
        Assert.Equal("KG", created["country"]!.GetValue<string>());
        Assert.Null(created["agencyId"]);
        using var kgAdmin = await ApiClient.LoginAsync(fixture.System.WebUrl, kgAdminName, Field.Password);
        Assert.Equal("KG", (await kgAdmin.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json!["country"]!.GetValue<string>());

        // Its own country: an NGO and its caseworker, who then signs in.
        var kgNgo = field.Id("kg-ca-ngo");
        (await kgAdmin.PostAsync("/api/agencies", With(Field.Receiving("Ngo", "KG", "Batken", "Asia/Bishkek", [field.Region("Batken")], [], ["Shelter"]), kgNgo)))
            .Expect(HttpStatusCode.Created);
        (await kgAdmin.SendAsync(HttpMethod.Put, $"/api/agencies/{kgNgo}", new { name = "Batken NGO", city = "Batken", timeZone = "Asia/Bishkek" })).Expect(HttpStatusCode.OK);
        // Places too: its country's, not another's.
        var suffix = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        (await kgAdmin.PostAsync("/api/places", new { code = $"KG-CA-{suffix}", name = "Karasuu crossing", kind = "BorderCrossing", country = "KG", timeZone = "Asia/Bishkek" }))
            .Expect(HttpStatusCode.Created);
        (await kgAdmin.PostAsync("/api/places", new { code = $"TJ-CA-{suffix}", name = "Kyzyl-Bel crossing", kind = "BorderCrossing", country = "TJ", timeZone = "Asia/Dushanbe" }))
            .ExpectProblem(HttpStatusCode.BadRequest);
        var worker = field.Id("kg-ca-worker");
        (await kgAdmin.PostAsync("/api/users", new { username = worker, password = Field.Password, displayName = "Batken caseworker", agencyId = kgNgo, roles = new[] { "NgoCaseworker" } }))
            .Expect(HttpStatusCode.Created);
        using (var signedIn = await ApiClient.LoginAsync(fixture.System.WebUrl, worker, Field.Password))
        {
            (await signedIn.GetAsync("/api/me")).Expect(HttpStatusCode.OK);
        }

        (await kgAdmin.SendAsync(HttpMethod.Put, $"/api/users/{worker}", new { displayName = "Batken caseworker", agencyId = kgNgo, roles = new[] { "NgoCaseworker" }, language = "ru" }))
            .Expect(HttpStatusCode.OK);
        (await kgAdmin.PostAsync($"/api/users/{worker}/disable", null)).Expect(HttpStatusCode.OK);
        (await kgAdmin.PostAsync($"/api/users/{worker}/enable", null)).Expect(HttpStatusCode.OK);
        (await kgAdmin.PostAsync($"/api/users/{worker}/password-reset", null)).Expect(HttpStatusCode.Created);

        // Another country's agency and user: 404 whatever is asked, and nothing changes.
        await fixture.RefusedWithoutChangeAsync(() => kgAdmin.SendAsync(HttpMethod.Put, $"/api/agencies/{tjNgo}", new { name = "Taken", timeZone = "Asia/Dushanbe" }), HttpStatusCode.NotFound);
        await fixture.RefusedWithoutChangeAsync(() => kgAdmin.PostAsync($"/api/agencies/{tjNgo}/deactivate", null), HttpStatusCode.NotFound);
        await fixture.RefusedWithoutChangeAsync(() => kgAdmin.SendAsync(HttpMethod.Put, $"/api/users/{tjWorker}",
            new { displayName = "Taken", agencyId = kgNgo, roles = new[] { "NgoCaseworker" } }), HttpStatusCode.NotFound);
        await fixture.RefusedWithoutChangeAsync(() => kgAdmin.PostAsync($"/api/users/{tjWorker}/disable", null), HttpStatusCode.NotFound);
        await fixture.RefusedWithoutChangeAsync(() => kgAdmin.PostAsync($"/api/users/{tjWorker}/enable", null), HttpStatusCode.NotFound);
        await fixture.RefusedWithoutChangeAsync(() => kgAdmin.PostAsync($"/api/users/{tjWorker}/password-reset", null), HttpStatusCode.NotFound);
        // The global administrator is of no country: out of reach too.
        await fixture.RefusedWithoutChangeAsync(() => kgAdmin.PostAsync("/api/users/admin/disable", null), HttpStatusCode.NotFound);
        var elsewhere = await fixture.RefusedWithoutChangeAsync(() => kgAdmin.PostAsync("/api/users",
            new { username = field.Id("tj-new"), password = Field.Password, displayName = "TJ", agencyId = tjNgo, roles = new[] { "NgoCaseworker" } }), HttpStatusCode.BadRequest);
        Assert.Contains("does not exist", elsewhere.Body, StringComparison.Ordinal);
        await fixture.RefusedWithoutChangeAsync(() => kgAdmin.PostAsync("/api/agencies",
            With(Field.Receiving("Ngo", "TJ", "Khujand", "Asia/Dushanbe", [field.Region("Khujand")], [], ["Shelter"]), field.Id("tj-by-kg"))), HttpStatusCode.BadRequest);
        await fixture.RefusedWithoutChangeAsync(() => kgAdmin.SendAsync(HttpMethod.Put, $"/api/users/{worker}",
            new { displayName = "Moved", agencyId = tjNgo, roles = new[] { "NgoCaseworker" } }), HttpStatusCode.BadRequest);

        // It gives no administrator's role.
        foreach (var role in new[] { "Admin", "CountryAdmin" })
        {
            var refused = await fixture.RefusedWithoutChangeAsync(() => kgAdmin.PostAsync("/api/users",
                new { username = field.Id($"kg-{role.ToLowerInvariant()}"), password = Field.Password, displayName = "Promoted", roles = new[] { role }, country = "KG" }), HttpStatusCode.BadRequest);
            Assert.Contains("roles", refused.Json!["errors"]!.AsObject().Select(e => e.Key));
        }

        await fixture.RefusedWithoutChangeAsync(() => kgAdmin.SendAsync(HttpMethod.Put, $"/api/users/{worker}",
            new { displayName = "Promoted", roles = new[] { "Admin" } }), HttpStatusCode.BadRequest);

        // Its lists hold its own country only.
        var users = (await kgAdmin.GetAsync("/api/users")).Expect(HttpStatusCode.OK).Json!.AsArray().Select(u => u!["username"]!.GetValue<string>()).ToList();
        Assert.Contains(worker, users);
        Assert.Contains(World.Field.Id("stranger"), users);
        Assert.DoesNotContain(tjWorker, users);
        Assert.DoesNotContain("admin", users);
        Assert.DoesNotContain(kgAdminName, users);
        var agencies = (await kgAdmin.GetAsync("/api/agencies")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Contains(agencies, a => a!["id"]!.GetValue<string>() == kgNgo);
        Assert.All(agencies, a => Assert.Equal("KG", a!["country"]!.GetValue<string>()));

        // It sees cases as the global administrator does: not at all.
        foreach (var path in new[] { "/api/cases", $"/api/cases/{World.CaseId}" })
        {
            var asAdmin = await World.Admin.GetAsync(path);
            Assert.NotEqual(HttpStatusCode.OK, asAdmin.Status);
            (await kgAdmin.GetAsync(path)).ExpectProblem(asAdmin.Status);
        }

        // Its changes are audited under its name, as the global administrator's are.
        var audit = (await World.Admin.GetAsync("/api/audit?limit=1000")).Expect(HttpStatusCode.OK).Json!.AsArray();
        foreach (var action in new[] { "user.update", "user.disable", "user.enable", "user.password-reset.issue" })
        {
            Assert.Contains(audit, e => e!["action"]!.GetValue<string>() == action && e["detail"]!.GetValue<string>() == worker
                && e["username"]!.GetValue<string>() == kgAdminName);
        }
    }

    [Fact]
    public async Task Only_the_global_administrator_creates_a_country_administrator_of_one_valid_country_and_no_agency()
    {
        var field = World.Field;
        object Request(string name, object? roles = null, string? country = "KG", string? agencyId = null) =>
            new { username = field.Id(name), password = Field.Password, displayName = name, roles = roles ?? new[] { "CountryAdmin" }, country, agencyId };

        foreach (var (request, key) in new[]
                 {
                     (Request("ca-no-country", country: null), "country"),
                     (Request("ca-bad-country", country: "ZZ"), "country"),
                     (Request("ca-lower-country", country: "kg"), "country"),
                     (Request("ca-agency", agencyId: World.UnrelatedNgo), "agencyId"),
                     (Request("ca-and-analyst", roles: new[] { "CountryAdmin", "Analyst" }), "roles"),
                     (Request("worker-country", roles: new[] { "NgoCaseworker" }, agencyId: World.UnrelatedNgo), "country"),
                 })
        {
            var refused = await fixture.RefusedWithoutChangeAsync(() => World.Admin.PostAsync("/api/users", request), HttpStatusCode.BadRequest);
            Assert.Contains(key, refused.Json!["errors"]!.AsObject().Select(e => e.Key));
        }

        // An agency's coordinator manages its own agency's users, but gives no administrator's role; a caseworker manages no one.
        var byCoordinator = await fixture.RefusedWithoutChangeAsync(
            () => World.Caller("referred: AgencyCoordinator").PostAsync("/api/users", Request("ca-by-coordinator")), HttpStatusCode.BadRequest);
        Assert.Contains("roles", byCoordinator.Json!["errors"]!.AsObject().Select(e => e.Key));
        await fixture.RefusedWithoutChangeAsync(() => World.ReferredWorker.PostAsync("/api/users", Request("ca-by-worker")), HttpStatusCode.Forbidden);
    }

    private static System.Text.Json.Nodes.JsonObject With(object agency, string id)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(agency))!.AsObject();
        body["id"] = id;
        return body;
    }
}
