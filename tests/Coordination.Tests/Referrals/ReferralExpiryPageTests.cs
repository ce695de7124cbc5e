using System.Net;
using Coordination.Tests.Browser;
using Coordination.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Referrals;

/// <summary>
/// A referral nobody answers, on real processes and in a real headless Chromium: the NGO's card and the
/// case view show the time to answer by; once it passes, the post that referred the case finds
/// ReferralExpired on its dashboard and the case has gone to the next NGO.
/// </summary>
[Collection(ReferralSystemCollection.Name)]
public sealed class ReferralExpiryPageTests(ReferralSystemFixture fixture)
{
    [Fact]
    public async Task The_post_sees_on_its_dashboard_that_the_silent_NGOs_referral_expired_and_the_case_went_to_the_next_one()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Khatlon");
        var post = await field.AgencyAsync("tj-msk", Field.ConsularPost("TJ", "RU", "Moscow", "Europe/Moscow"));
        var silent = await field.AgencyAsync("a-silent", Field.Receiving("Ngo", "TJ", "Bokhtar", "Asia/Dushanbe", [region], [], ["Shelter", "Legal"]));
        var next = await field.AgencyAsync("b-next", Field.Receiving("Shelter", "TJ", "Kulob", "Asia/Dushanbe", [region], [], ["Shelter"]));
        using var consulApi = await field.UserAsync("consul", post, "ConsularOfficer");
        using var silentApi = await field.UserAsync("silent", silent, "NgoCaseworker");
        using var __ = await field.UserAsync("next", next, "NgoCaseworker");
        var flagged = (await consulApi.PostAsync("/api/cases", Field.Flag("Farrukh Nojavob", "M", 1994, "TJ", "RU", region, ["Shelter", "Legal"])))
            .Expect(HttpStatusCode.Created).Json!;
        var caseId = flagged["id"]!.GetValue<string>();
        var referral = flagged["referrals"]![0]!;
        Assert.Equal(silent, referral["toAgencyId"]!.GetValue<string>());
        Assert.NotNull(referral["answerBy"]);

        await using var consul = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await consul.SignInAsync(field.Id("consul"));

        // The post that made the referral hears that it expired, live, and the case went to the next NGO.
        var expired = consul.Page.Locator("li.feed-item[data-type='ReferralExpired']", new() { HasText = caseId });
        await Expect(expired).ToBeVisibleAsync(new() { Timeout = (int)(ReferralSystemFixture.CriticalAnswer + TimeSpan.FromSeconds(30)).TotalMilliseconds });
        await Expect(expired).ToContainTextAsync("Ngo in Bokhtar did not answer by");
        var view = (await consulApi.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("Expired", view["referrals"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(next, view["referrals"]![1]!["toAgencyId"]!.GetValue<string>());
        await consul.ScreenshotAsync("referral-expired");

        // The case view lists both: the expired one with its reason, the new one with its time to answer by.
        await consul.Page.GotoAsync($"/#/case/{caseId}");
        var referrals = consul.Page.Locator("#case-referrals > li");
        await Expect(referrals.Nth(0)).ToContainTextAsync("Expired: no answer");
        await Expect(referrals.Nth(1).Locator(".answer-by")).ToContainTextAsync("Answer by");

        // The silent NGO may no longer answer: the case has moved on.
        (await silentApi.PostAsync($"/api/cases/{caseId}/referrals/r1/accept", null)).Expect(HttpStatusCode.Conflict);
    }
}
