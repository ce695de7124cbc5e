using System.Net;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Security;

/// <summary>An administrator lists and edits accounts, and resets a password by a one-time link that only its user spends.</summary>
[Collection("security")]
public sealed class UserAdministrationTests(SecurityFixture fixture)
{
    private const string NewPassword = "a-new-long-passphrase-2026";

    private SecurityWorld World => fixture.World;

    [Fact]
    public async Task A_password_reset_link_sets_a_new_password_once_ends_the_old_sessions_and_is_audited()
    {
        using var user = await World.Field.UserAsync("forgot", World.UnrelatedNgo, "NgoCaseworker");
        var username = World.Field.Id("forgot");
        using var anonymous = new ApiClient(fixture.System.WebUrl);

        var link = (await World.Admin.PostAsync($"/api/users/{username}/password-reset", null)).Expect(HttpStatusCode.Created).Json!;
        var url = link["url"]!.GetValue<string>();
        Assert.StartsWith($"{fixture.System.WebUrl.ToString().TrimEnd('/')}/#/reset/", url, StringComparison.Ordinal);
        Assert.InRange(link["expiresAt"]!.GetValue<DateTimeOffset>(), DateTimeOffset.UtcNow.AddHours(23), DateTimeOffset.UtcNow.AddHours(25));
        var token = url[(url.LastIndexOf('/') + 1)..];
        // Only a hash of the token is kept.
        Assert.Equal(0L, await fixture.ScalarAsync<long>("SELECT count(*) FROM users WHERE reset_token_hash = @t", ("t", token)));

        // A password the policy refuses changes nothing, and leaves the link usable.
        await fixture.RefusedWithoutChangeAsync(() => anonymous.PostAsync("/api/auth/password-reset", new { token, password = "short" }), HttpStatusCode.BadRequest);

        var done = (await anonymous.PostAsync("/api/auth/password-reset", new { token, password = NewPassword })).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(username, done["username"]!.GetValue<string>());
        using var signedIn = await ApiClient.LoginAsync(fixture.System.WebUrl, username, NewPassword);
        (await signedIn.GetAsync("/api/me")).Expect(HttpStatusCode.OK);
        (await anonymous.PostAsync("/api/auth/token", new { username, password = Field.Password })).ExpectProblem(HttpStatusCode.Unauthorized);
        // Sessions begun with the old password are over.
        (await user.GetAsync("/api/me")).ExpectProblem(HttpStatusCode.Unauthorized);

        // The link is spent.
        var again = await fixture.RefusedWithoutChangeAsync(
            () => anonymous.PostAsync("/api/auth/password-reset", new { token, password = "yet-another-long-passphrase" }), HttpStatusCode.BadRequest);
        Assert.Contains("token", again.Json!["errors"]!.AsObject().Select(e => e.Key));

        var audit = (await World.Admin.GetAsync("/api/audit?limit=1000")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Contains(audit, e => e!["action"]!.GetValue<string>() == "user.password-reset.issue" && e["detail"]!.GetValue<string>() == username);
        Assert.Contains(audit, e => e!["action"]!.GetValue<string>() == "user.password-reset.complete" && e["detail"]!.GetValue<string>() == username
            && e["username"]!.GetValue<string>() == username);
    }

    [Fact]
    public async Task A_newer_link_replaces_the_older_and_a_disabled_account_gets_none()
    {
        using var _ = await World.Field.UserAsync("twice", World.UnrelatedNgo, "NgoCaseworker");
        var username = World.Field.Id("twice");
        using var anonymous = new ApiClient(fixture.System.WebUrl);
        var first = TokenOf((await World.Admin.PostAsync($"/api/users/{username}/password-reset", null)).Expect(HttpStatusCode.Created));
        var second = TokenOf((await World.Admin.PostAsync($"/api/users/{username}/password-reset", null)).Expect(HttpStatusCode.Created));

        await fixture.RefusedWithoutChangeAsync(() => anonymous.PostAsync("/api/auth/password-reset", new { token = first, password = NewPassword }), HttpStatusCode.BadRequest);
        await fixture.RefusedWithoutChangeAsync(() => anonymous.PostAsync("/api/auth/password-reset", new { token = "not-a-token-at-all", password = NewPassword }), HttpStatusCode.BadRequest);

        // Disabling the account makes its outstanding link useless, and no new one is issued while it is disabled.
        (await World.Admin.PostAsync($"/api/users/{username}/disable", null)).Expect(HttpStatusCode.OK);
        await fixture.RefusedWithoutChangeAsync(() => anonymous.PostAsync("/api/auth/password-reset", new { token = second, password = NewPassword }), HttpStatusCode.BadRequest);
        await fixture.RefusedWithoutChangeAsync(() => World.Admin.PostAsync($"/api/users/{username}/password-reset", null), HttpStatusCode.Conflict);
        (await World.Admin.PostAsync($"/api/users/{username}/enable", null)).Expect(HttpStatusCode.OK);
        (await anonymous.PostAsync("/api/auth/password-reset", new { token = second, password = NewPassword })).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_admin_lists_accounts_without_their_hashes_and_a_change_of_roles_ends_the_user_s_sessions()
    {
        using var user = await World.Field.UserAsync("promoted", World.UnrelatedNgo, "NgoCaseworker");
        var username = World.Field.Id("promoted");
        var list = (await World.Admin.GetAsync("/api/users")).Expect(HttpStatusCode.OK);
        var listed = list.Json!.AsArray().Single(u => u!["username"]!.GetValue<string>() == username)!;
        Assert.Equal(World.UnrelatedNgo, listed["agencyId"]!.GetValue<string>());
        Assert.DoesNotContain("password", list.Body, StringComparison.OrdinalIgnoreCase);

        // Only the language changes: the sessions stay.
        (await World.Admin.SendAsync(HttpMethod.Put, $"/api/users/{username}",
            new { displayName = "Promoted Caseworker", agencyId = World.UnrelatedNgo, roles = new[] { "NgoCaseworker" }, language = "ru" })).Expect(HttpStatusCode.OK);
        (await user.GetAsync("/api/me")).Expect(HttpStatusCode.OK);

        var changed = (await World.Admin.SendAsync(HttpMethod.Put, $"/api/users/{username}",
            new { displayName = "Promoted Caseworker", agencyId = World.UnrelatedNgo, roles = new[] { "NgoCaseworker", "Analyst" }, language = "ru" })).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(["NgoCaseworker", "Analyst"], changed["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("ru", changed["language"]!.GetValue<string>());
        (await user.GetAsync("/api/me")).ExpectProblem(HttpStatusCode.Unauthorized);
        using var again = await ApiClient.LoginAsync(fixture.System.WebUrl, username, Field.Password);
        Assert.Contains("Analyst", (await again.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json!["roles"]!.AsArray().Select(r => r!.GetValue<string>()));

        var audit = (await World.Admin.GetAsync("/api/audit?limit=1000")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Contains(audit, e => e!["action"]!.GetValue<string>() == "user.update" && e["detail"]!.GetValue<string>() == username);
    }

    [Fact]
    public async Task A_hotline_operator_and_a_police_officer_belong_to_a_hotline_and_the_police_and_nowhere_else()
    {
        var hotline = await World.Field.AgencyAsync("admin-hotline", new { name = "Hotline 189", kind = "Hotline", country = "KG", city = "Bishkek", timeZone = "Asia/Bishkek" });
        var police = await World.Field.AgencyAsync("admin-police", new { name = "Bishkek police", kind = "LawEnforcement", country = "KG", city = "Bishkek", timeZone = "Asia/Bishkek" });
        using var hotlineOperator = await World.Field.UserAsync("operator-189", hotline, "HotlineOperator");
        using var officer = await World.Field.UserAsync("officer-bishkek", police, "LawEnforcementOfficer");
        Assert.Equal(["HotlineOperator"], (await hotlineOperator.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json!["roles"]!.AsArray().Select(r => r!.GetValue<string>()));

        foreach (var (role, agencyId) in new[] { ("HotlineOperator", World.UnrelatedNgo), ("LawEnforcementOfficer", hotline), ("HotlineOperator", police) })
        {
            var refused = await fixture.RefusedWithoutChangeAsync(
                () => World.Admin.PostAsync("/api/users", new { username = World.Field.Id($"misplaced-{role}"), password = Field.Password, displayName = "Misplaced", agencyId, roles = new[] { role }, language = "en" }),
                HttpStatusCode.BadRequest);
            Assert.Contains("roles", refused.Json!["errors"]!.AsObject().Select(e => e.Key));
        }

        // Moving the operator to an NGO without changing the role is refused the same way.
        await fixture.RefusedWithoutChangeAsync(
            () => World.Admin.SendAsync(HttpMethod.Put, $"/api/users/{World.Field.Id("operator-189")}", new { displayName = "Operator", agencyId = World.UnrelatedNgo, roles = new[] { "HotlineOperator" }, language = "en" }),
            HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Bad_edits_are_refused_and_change_nothing()
    {
        using var _ = await World.Field.UserAsync("unchanged", World.UnrelatedNgo, "NgoCaseworker");
        var username = World.Field.Id("unchanged");
        await fixture.RefusedWithoutChangeAsync(() => World.Admin.SendAsync(HttpMethod.Put, $"/api/users/{username}",
            new { displayName = "X", agencyId = World.UnrelatedNgo, roles = new[] { "Wizard" } }), HttpStatusCode.BadRequest);
        await fixture.RefusedWithoutChangeAsync(() => World.Admin.SendAsync(HttpMethod.Put, $"/api/users/{username}",
            new { displayName = "X", agencyId = "no-such-agency", roles = new[] { "NgoCaseworker" } }), HttpStatusCode.BadRequest);
        await fixture.RefusedWithoutChangeAsync(() => World.Admin.SendAsync(HttpMethod.Put, $"/api/users/{username}",
            new { displayName = "X", agencyId = World.UnrelatedNgo, roles = new[] { "NgoCaseworker" }, language = "xx" }), HttpStatusCode.BadRequest);
        // An administrator cannot lock themselves out of administration.
        await fixture.RefusedWithoutChangeAsync(() => World.Admin.SendAsync(HttpMethod.Put, "/api/users/admin",
            new { displayName = "Admin", roles = new[] { "Analyst" }, agencyId = World.UnrelatedNgo }), HttpStatusCode.Conflict);
    }

    private static string TokenOf(ApiResponse response)
    {
        var url = response.Json!["url"]!.GetValue<string>();
        return url[(url.LastIndexOf('/') + 1)..];
    }
}
