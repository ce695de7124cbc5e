using System.Net;
using Coordination.Tests.Infrastructure;
using Coordination.Tests.Operations;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Coordination.Tests.Security;

/// <summary>
/// Per-user and per-agency limits on a web host configured low (the other hosts of the tests run
/// with limits no test reaches): requests and hub calls beyond the allowance, and dashboards
/// beyond the cap, are refused with 429 — for that user or agency only.
/// </summary>
[Collection("security")]
public sealed class RateLimitTests(SecurityFixture fixture)
{
    [Fact]
    public async Task Requests_beyond_a_users_or_an_agencys_allowance_get_429_with_retry_after_and_other_agencies_are_served()
    {
        var web = await fixture.System.StartWebAsync(new Dictionary<string, string>
        {
            ["Coordination__Web__RateLimits__UserPermitLimit"] = "10",
            ["Coordination__Web__RateLimits__AgencyPermitLimit"] = "15",
            // Long enough that the window never resets during the test.
            ["Coordination__Web__RateLimits__Window"] = "00:30:00",
        });
        var field = fixture.World.Field;
        var agency = await Ngo(field, "rl-busy");
        var other = await Ngo(field, "rl-quiet");
        using var first = await SignedInAsync(web, "rl-first", agency);
        using var second = await SignedInAsync(web, "rl-second", agency);
        using var elsewhere = await SignedInAsync(web, "rl-elsewhere", other);

        for (var i = 0; i < 10; i++)
        {
            (await first.GetAsync("/api/feed")).Expect(HttpStatusCode.OK);
        }

        var refused = (await first.GetAsync("/api/feed")).ExpectProblem(HttpStatusCode.TooManyRequests);
        Assert.Contains("Too many requests", refused.Json!["title"]!.GetValue<string>());
        using (var http = new HttpClient { BaseAddress = web.BaseAddress })
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", first.Token);
            using var response = await http.GetAsync("/api/feed");
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        }

        // The agency's allowance is shared: its other user has what the first left of 15.
        for (var i = 0; i < 5; i++)
        {
            (await second.GetAsync("/api/feed")).Expect(HttpStatusCode.OK);
        }

        (await second.GetAsync("/api/feed")).ExpectProblem(HttpStatusCode.TooManyRequests);
        (await elsewhere.GetAsync("/api/feed")).Expect(HttpStatusCode.OK);
        await web.StopAsync();
    }

    [Fact]
    public async Task Hub_calls_draw_on_the_same_allowance_and_fail_without_closing_the_dashboard()
    {
        var web = await fixture.System.StartWebAsync(new Dictionary<string, string>
        {
            ["Coordination__Web__RateLimits__UserPermitLimit"] = "10",
            ["Coordination__Web__RateLimits__Window"] = "00:30:00",
        });
        var field = fixture.World.Field;
        var agency = await Ngo(field, "rl-hub");
        using var user = await SignedInAsync(web, "rl-hub-user", agency);
        await using var dashboard = await DashboardClient.ConnectAsync(web.BaseAddress, user.Token!);

        var answered = 0;
        HubException? refused = null;
        while (refused is null && answered <= 10)
        {
            try
            {
                await dashboard.SinceAsync(0);
                answered++;
            }
            catch (HubException ex)
            {
                refused = ex;
            }
        }

        Assert.NotNull(refused);
        Assert.Contains("Too many requests", refused.Message);
        Assert.InRange(answered, 1, 9); // connecting took requests of the ten too
        Assert.Equal(HubConnectionState.Connected, dashboard.Connection.State);
        await dashboard.DisposeAsync();
        await web.StopAsync();
    }

    [Fact]
    public async Task Dashboards_beyond_the_cap_of_a_user_or_an_agency_are_refused_with_429_even_when_opened_all_at_once()
    {
        var web = await fixture.System.StartWebAsync(new Dictionary<string, string>
        {
            ["Coordination__Web__RateLimits__DashboardsPerUser"] = "2",
            ["Coordination__Web__RateLimits__DashboardsPerAgency"] = "3",
        });
        var field = fixture.World.Field;
        var agency = await Ngo(field, "rl-screens");
        var other = await Ngo(field, "rl-screens-other");
        using var first = await SignedInAsync(web, "rl-screens-first", agency);
        using var second = await SignedInAsync(web, "rl-screens-second", agency);
        using var elsewhere = await SignedInAsync(web, "rl-screens-elsewhere", other);

        // Ten opened at once by one user: two stay open, the rest are refused at negotiation (429) or closed at connection.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            try
            {
                return await DashboardClient.ConnectAsync(web.BaseAddress, first.Token!);
            }
            catch (HttpRequestException ex)
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
                return null;
            }
        }));
        var opened = attempts.OfType<DashboardClient>().ToList();
        try
        {
            await Eventually.ReturnsAsync(() => Task.FromResult(opened.Count(d => d.Connection.State == HubConnectionState.Connected)), n => n == 2,
                "exactly two of the user's dashboards open");
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => DashboardClient.ConnectAsync(web.BaseAddress, first.Token!));
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

            // The agency's third is another user's; its fourth is refused; another agency is not affected.
            await using var third = await DashboardClient.ConnectAsync(web.BaseAddress, second.Token!);
            var agencyFull = await Assert.ThrowsAsync<HttpRequestException>(() => DashboardClient.ConnectAsync(web.BaseAddress, second.Token!));
            Assert.Equal(HttpStatusCode.TooManyRequests, agencyFull.StatusCode);
            await using var unaffected = await DashboardClient.ConnectAsync(web.BaseAddress, elsewhere.Token!);

            // Closing one frees its place.
            var closing = opened.First(d => d.Connection.State == HubConnectionState.Connected);
            await closing.DisposeAsync();
            opened.Remove(closing);
            var again = await Eventually.ReturnsAsync(async () =>
            {
                try
                {
                    return await DashboardClient.ConnectAsync(web.BaseAddress, first.Token!);
                }
                catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    return null;
                }
            }, d => d is not null, "a dashboard opens once another closed");
            opened.Add(again!);
        }
        finally
        {
            foreach (var dashboard in opened)
            {
                await dashboard.DisposeAsync();
            }

            await web.StopAsync();
        }
    }

    /// <summary>An NGO serving a region of its own, so that no other test's referral is routed to it.</summary>
    private static Task<string> Ngo(Field field, string name) =>
        field.AgencyAsync(name, Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [field.Region(name)], [], ["Shelter"]));

    /// <summary>A new caseworker of <paramref name="agency"/>, calling <paramref name="web"/>.</summary>
    private async Task<ApiClient> SignedInAsync(HostProcess web, string name, string agency)
    {
        using var user = await fixture.World.Field.UserAsync(name, agency, "NgoCaseworker");
        return new ApiClient(web.BaseAddress, user.Token);
    }
}
