using System.Net;
using Coordination.Tests.Browser;
using Coordination.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Referrals;

/// <summary>
/// A shelter that accepted a referral refers the person onward for legal aid from the case view, in a
/// real headless Chromium: the form offers the receiving agencies of the person's country not already
/// referred, a full shelter marked so, and the case then lists both referrals with who made each.
/// </summary>
[Collection(ReferralSystemCollection.Name)]
public sealed class OnwardReferralPageTests(ReferralSystemFixture fixture)
{
    [Fact]
    public async Task An_accepted_shelter_refers_the_person_onward_for_legal_aid_from_the_case_view()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Sughd");
        var post = await field.AgencyAsync("tj-ist", Field.ConsularPost("TJ", "TR", "Istanbul", "Europe/Istanbul"));
        var shelter = await field.AgencyAsync("a-shelter", Field.Receiving("Shelter", "TJ", "Khujand", "Asia/Dushanbe", [region], [], ["Shelter"]));
        var lawyers = await field.AgencyAsync("b-lawyers", Field.Receiving("Ngo", "TJ", "Khujand", "Asia/Dushanbe", [region], [], ["Legal"]));
        var full = await field.AgencyAsync("c-full", Field.Receiving("Shelter", "TJ", "Isfara", "Asia/Dushanbe", [region], [], ["Shelter"]));
        (await field.Admin.SendAsync(HttpMethod.Put, $"/api/agencies/{full}/capacity", new { adults = 0, minors = 0 })).Expect(HttpStatusCode.OK);
        using var consulApi = await field.UserAsync("consul", post, "ConsularOfficer");
        using var shelterApi = await field.UserAsync("worker", shelter, "NgoCaseworker");
        var caseId = (await consulApi.PostAsync("/api/cases", Field.Flag("Dilnoza Onward", "F", 1992, "TJ", "TR", region, ["Shelter", "Legal"], urgency: "Routine")))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        (await shelterApi.PostAsync($"/api/cases/{caseId}/referrals/r1/accept", null)).Expect(HttpStatusCode.OK);

        await using var worker = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await worker.SignInAsync(field.Id("worker"));
        await worker.Page.GotoAsync($"/#/case/{caseId}");
        var form = worker.Page.Locator("#case-refer");
        await Expect(form.Locator("h2")).ToHaveTextAsync("Refer onward");
        await Expect(worker.Input("toAgencyId").Locator($"option[value='{full}']")).ToHaveTextAsync("Shelter in Isfara (full: no free bed)");
        await Expect(worker.Input("toAgencyId").Locator($"option[value='{shelter}']")).ToHaveCountAsync(0);

        await worker.Choice("services", "Legal").CheckAsync();
        await worker.Input("toAgencyId").SelectOptionAsync(lawyers);
        await worker.Input("note").FillAsync("Unpaid wages: a claim against the employer");
        var referred = await worker.SubmitAsync(worker.Page.Locator(".referral-form [type=submit]"), "POST", "/referrals");
        Assert.Equal((int)HttpStatusCode.Created, referred.Status);

        var referrals = worker.Page.Locator("#case-referrals > li");
        await Expect(referrals).ToHaveCountAsync(2);
        await Expect(referrals.Nth(0)).ToContainTextAsync("Referred by Consulate of TJ in Istanbul");
        await Expect(referrals.Nth(1)).ToContainTextAsync("Referred by Shelter in Khujand");
        await Expect(referrals.Nth(1).Locator(".answer-by")).ToContainTextAsync("Answer by");
        await worker.ScreenshotAsync("case-onward-referral");
    }
}
