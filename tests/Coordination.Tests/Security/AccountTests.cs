using System.Net;
using System.Net.Http.Json;
using Coordination.Contracts.Common;
using Coordination.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.Tests.Security;

/// <summary>Passwords are hard to guess at, tokens are short-lived, and a disabled account is out at once.</summary>
[Collection("security")]
public sealed class AccountTests(SecurityFixture fixture)
{
    private SecurityWorld World => fixture.World;

    [Fact]
    public async Task Repeated_failed_sign_ins_lock_the_account_even_against_the_right_password()
    {
        using var user = await World.Field.UserAsync("lockout", World.UnrelatedNgo, "NgoCaseworker");
        var username = World.Field.Id("lockout");
        using var anonymous = new ApiClient(fixture.System.WebUrl);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            (await anonymous.PostAsync("/api/auth/token", new { username, password = $"wrong-password-{attempt}" })).ExpectProblem(HttpStatusCode.Unauthorized);
        }

        var locked = (await anonymous.PostAsync("/api/auth/token", new { username, password = Field.Password })).ExpectProblem(HttpStatusCode.Unauthorized);
        var unknown = (await anonymous.PostAsync("/api/auth/token", new { username = "nobody-at-all", password = Field.Password })).ExpectProblem(HttpStatusCode.Unauthorized);
        // A locked account looks like any other refusal.
        Assert.Equal(unknown.Json!["title"]!.GetValue<string>(), locked.Json!["title"]!.GetValue<string>());
        Assert.Equal(unknown.Json!["detail"]!.GetValue<string>(), locked.Json!["detail"]!.GetValue<string>());
        Assert.True(await fixture.ScalarAsync<bool>("SELECT locked_until > now() + interval '10 minutes' FROM users WHERE username = @u", ("u", username)));
        (await user.GetAsync("/api/me")).Expect(HttpStatusCode.OK); // tokens already issued are not what a lockout is about
    }

    [Fact]
    public async Task A_correct_sign_in_clears_the_count_of_failed_ones()
    {
        using var _ = await World.Field.UserAsync("forgetful", World.UnrelatedNgo, "NgoCaseworker");
        var username = World.Field.Id("forgetful");
        using var anonymous = new ApiClient(fixture.System.WebUrl);
        for (var round = 0; round < 2; round++)
        {
            for (var attempt = 0; attempt < 4; attempt++)
            {
                (await anonymous.PostAsync("/api/auth/token", new { username, password = "not-my-password" })).ExpectProblem(HttpStatusCode.Unauthorized);
            }

            (await anonymous.PostAsync("/api/auth/token", new { username, password = Field.Password })).Expect(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Sign_in_attempts_beyond_the_limit_from_one_address_get_a_429_problem_with_retry_after()
    {
        using var http = new HttpClient { BaseAddress = fixture.StrictWeb.BaseAddress };
        for (var attempt = 0; attempt < SecurityFixture.StrictSignInLimit; attempt++)
        {
            using var allowed = await http.PostAsJsonAsync("/api/auth/token", new { username = "nobody-at-all", password = "whatever-it-is" });
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using var limited = await http.PostAsJsonAsync("/api/auth/token", new { username = "admin", password = fixture.System.AdminPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        var problem = System.Text.Json.Nodes.JsonNode.Parse(await limited.Content.ReadAsStringAsync())!;
        Assert.Equal(429, problem["status"]!.GetValue<int>());

        // Only sign-in is limited: the API stays open to those who are signed in.
        using var signedIn = new ApiClient(fixture.StrictWeb.BaseAddress, World.Consul.Token);
        (await signedIn.GetAsync("/api/me")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_is_refreshed_while_the_account_is_active_and_the_session_is_not_over()
    {
        using var user = await World.Field.UserAsync("refresher", World.UnrelatedNgo, "NgoCaseworker");
        var refreshed = (await user.PostAsync("/api/auth/refresh", null)).Expect(HttpStatusCode.OK).Json!;
        var expiresAt = refreshed["expiresAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(61));
        using var next = new ApiClient(fixture.System.WebUrl, refreshed["accessToken"]!.GetValue<string>());
        Assert.Equal(World.Field.Id("refresher"), (await next.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json!["username"]!.GetValue<string>());

        // A session that began with a password thirteen hours ago is over, however fresh its token.
        var key = Convert.FromBase64String(fixture.System.SigningKey);
        var now = DateTimeOffset.UtcNow;
        var old = Jwt.Sign(Jwt.Claims(World.Field.Id("refresher"), World.UnrelatedNgo, ["NgoCaseworker"], now.AddMinutes(-1), TimeSpan.FromHours(1), now.AddHours(-13)), key);
        using var oldSession = new ApiClient(fixture.System.WebUrl, old);
        (await oldSession.GetAsync("/api/me")).Expect(HttpStatusCode.OK);
        (await oldSession.PostAsync("/api/auth/refresh", null)).ExpectProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Disabling_a_user_revokes_their_tokens_at_once_and_closes_their_dashboards_on_every_web_host()
    {
        using var user = await World.Field.UserAsync("leaver", World.ReferredNgo, "NgoCaseworker");
        var username = World.Field.Id("leaver");
        using var onOtherHost = new ApiClient(fixture.StrictWeb.BaseAddress, user.Token);
        (await onOtherHost.GetAsync("/api/feed")).Expect(HttpStatusCode.OK);
        await using var here = await DashboardClient.ConnectAsync(fixture.System.WebUrl, user.Token!);
        await using var there = await DashboardClient.ConnectAsync(fixture.StrictWeb.BaseAddress, user.Token!);
        var closedHere = Closed(here.Connection);
        var closedThere = Closed(there.Connection);

        var disabled = (await World.Admin.PostAsync($"/api/users/{username}/disable", null)).Expect(HttpStatusCode.OK).Json!;
        Assert.True(disabled["disabled"]!.GetValue<bool>());

        // On the host that disabled the account: the very next request is refused, the dashboard closed.
        (await user.GetAsync("/api/feed")).ExpectProblem(HttpStatusCode.Unauthorized);
        (await user.PostAsync("/api/auth/refresh", null)).ExpectProblem(HttpStatusCode.Unauthorized);
        await closedHere.WaitAsync(TimeSpan.FromSeconds(10));
        // On the other host within its access-check interval; once it has closed the dashboard, it refuses requests too.
        await closedThere.WaitAsync(TimeSpan.FromSeconds(30));
        (await onOtherHost.GetAsync("/api/feed")).ExpectProblem(HttpStatusCode.Unauthorized);
        await Assert.ThrowsAsync<HttpRequestException>(() => DashboardClient.ConnectAsync(fixture.System.WebUrl, user.Token!));

        using var anonymous = new ApiClient(fixture.System.WebUrl);
        (await anonymous.PostAsync("/api/auth/token", new { username, password = Field.Password })).ExpectProblem(HttpStatusCode.Unauthorized);
        var audit = (await World.Admin.GetAsync("/api/audit?limit=1000")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Contains(audit, e => e!["action"]!.GetValue<string>() == "user.disable" && e["detail"]!.GetValue<string>() == username);

        // Enabled again, the user signs in anew; the tokens revoked stay revoked.
        (await World.Admin.PostAsync($"/api/users/{username}/enable", null)).Expect(HttpStatusCode.OK);
        using var again = await ApiClient.LoginAsync(fixture.System.WebUrl, username, Field.Password);
        (await again.GetAsync("/api/feed")).Expect(HttpStatusCode.OK);
        (await user.GetAsync("/api/feed")).ExpectProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_admin_cannot_disable_their_own_account()
    {
        await fixture.RefusedWithoutChangeAsync(() => World.Admin.PostAsync("/api/users/admin/disable", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_dashboard_connection_closes_when_its_token_expires()
    {
        var key = Convert.FromBase64String(fixture.System.SigningKey);
        var now = DateTimeOffset.UtcNow;
        var shortLived = Jwt.Sign(Jwt.Claims(World.Username("referred: NgoCaseworker"), World.ReferredNgo, ["NgoCaseworker"], now.AddSeconds(-1), TimeSpan.FromSeconds(10)), key);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.System.WebUrl, "/hubs/dashboard"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(shortLived))
            .AddJsonProtocol(o => CoordinationJson.Configure(o.PayloadSerializerOptions))
            .Build();
        await using var _ = connection;
        var closed = Closed(connection);
        await connection.StartAsync();
        await closed.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    private static Task Closed(HubConnection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }
}
