using System.Net;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Security;

/// <summary>
/// An agency's coordinator manages its own agency's users — lists, creates, edits, disables, hands
/// out password-reset links — and nobody else's: another agency's user is 404 to it, another agency
/// or an administrator's role is refused, and agencies themselves stay the administrators'.
/// </summary>
[Collection("security")]
public sealed class CoordinatorUsersTests(SecurityFixture fixture)
{
    [Fact]
    public async Task A_coordinator_manages_the_users_of_its_own_agency_and_no_one_elses()
    {
        var world = fixture.World;
        var coordinator = world.Caller("referred: AgencyCoordinator");
        var own = world.ReferredNgo;
        var other = world.Username("unrelated: NgoCaseworker");

        var listed = (await coordinator.GetAsync("/api/users")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.NotEmpty(listed);
        Assert.All(listed, u => Assert.Equal(own, u!["agencyId"]!.GetValue<string>()));
        Assert.Contains(listed, u => u!["username"]!.GetValue<string>() == world.Username("referred: NgoCaseworker"));

        // A new colleague of its own agency: created, edited, disabled and enabled, a reset link issued.
        var username = world.Field.Id("shelter-newcomer");
        var created = (await coordinator.PostAsync("/api/users", new
        {
            username, password = Field.Password, displayName = "New caseworker", agencyId = own, roles = new[] { "NgoCaseworker" }, language = "ky",
        })).Expect(HttpStatusCode.Created).Json!;
        Assert.Equal(own, created["agencyId"]!.GetValue<string>());
        (await coordinator.SendAsync(HttpMethod.Put, $"/api/users/{username}",
            new { displayName = "Senior caseworker", agencyId = own, roles = new[] { "NgoCaseworker", "AgencyCoordinator" }, language = "ru" }))
            .Expect(HttpStatusCode.OK);
        (await coordinator.PostAsync($"/api/users/{username}/disable", null)).Expect(HttpStatusCode.OK);
        (await coordinator.PostAsync($"/api/users/{username}/enable", null)).Expect(HttpStatusCode.OK);
        (await coordinator.PostAsync($"/api/users/{username}/password-reset", null)).Expect(HttpStatusCode.Created);

        // Nothing beyond its agency, and no administrator's role.
        var elsewhere = (await fixture.RefusedWithoutChangeAsync(() => coordinator.PostAsync("/api/users", new
        {
            username = world.Field.Id("planted"), password = Field.Password, displayName = "Planted", agencyId = world.UnrelatedNgo, roles = new[] { "NgoCaseworker" },
        }), HttpStatusCode.BadRequest)).Json!["errors"]!;
        Assert.NotNull(elsewhere["agencyId"]);
        var promoted = (await fixture.RefusedWithoutChangeAsync(() => coordinator.SendAsync(HttpMethod.Put, $"/api/users/{username}",
            new { displayName = "Senior caseworker", roles = new[] { "CountryAdmin" }, country = "KG" }), HttpStatusCode.BadRequest)).Json!["errors"]!;
        Assert.NotNull(promoted["roles"]);
        await fixture.RefusedWithoutChangeAsync(() => coordinator.SendAsync(HttpMethod.Put, $"/api/users/{username}",
            new { displayName = "Moved", agencyId = world.UnrelatedNgo, roles = new[] { "NgoCaseworker" } }), HttpStatusCode.BadRequest);
        await fixture.RefusedWithoutChangeAsync(() => coordinator.SendAsync(HttpMethod.Put, $"/api/users/{other}",
            new { displayName = "Hijacked", agencyId = own, roles = new[] { "NgoCaseworker" } }), HttpStatusCode.NotFound);
        await fixture.RefusedWithoutChangeAsync(() => coordinator.PostAsync($"/api/users/{other}/disable", null), HttpStatusCode.NotFound);
        await fixture.RefusedWithoutChangeAsync(() => coordinator.PostAsync($"/api/users/{other}/password-reset", null), HttpStatusCode.NotFound);
        await fixture.RefusedWithoutChangeAsync(() => coordinator.PostAsync($"/api/users/admin/disable", null), HttpStatusCode.NotFound);
        await fixture.RefusedWithoutChangeAsync(() => coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{own}", new { name = "Renamed", timeZone = "Asia/Bishkek" }),
            HttpStatusCode.Forbidden);

        // A caseworker is no coordinator.
        await fixture.RefusedWithoutChangeAsync(() => world.ReferredWorker.GetAsync("/api/users"), HttpStatusCode.Forbidden);
    }
}
