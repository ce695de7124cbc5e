using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Cases;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Security;

/// <summary>
/// The consent dimension of the authorisation matrix, against the real processes: for every kind of
/// consent (the person's, a guardian's, a legal representative's, an override, none) and every state
/// of a referral (pending, accepted, declined), each agency sees the person — over HTTP in the case,
/// the case list and a command's answer — exactly when <see cref="CaseAccess"/>'s rule says, and the
/// guardian's name with it, from the pending referral to the case's closure; and over SignalR, in the
/// feeds, the timeline, statistics, the research export, the logs and the database in clear, nobody
/// ever meets the name, passport, phone or guardian's name, whatever the consent.
/// </summary>
[Collection("security")]
public sealed class ConsentMatrixTests(SecurityFixture fixture)
{
    /// <summary>A kind of consent: who the person is (a minor or not), what was consented, by whom.</summary>
    public sealed record Variant(string Name, string Surname, int BirthYear, object Consent, bool Referred, bool DataSharing, string? Guardian);

    private static readonly Variant[] Variants =
    [
        new("self-all", "Temirbekova", 1990, new { referral = true, dataSharing = true, research = true, givenBy = "Self" }, true, true, null),
        new("self-referral-only", "Asanalieva", 1988, new { referral = true, dataSharing = false, research = false, givenBy = "Self" }, true, false, null),
        new("guardian-sharing", "Mamatova", 2013,
            new { referral = true, dataSharing = true, research = false, givenBy = "Guardian", guardian = new { fullName = "Saltanat Omurzakova", relation = "Mother" } },
            true, true, "Saltanat Omurzakova"),
        new("representative-referral-only", "Sadykova", 2012,
            new { referral = true, dataSharing = false, research = false, givenBy = "LegalRepresentative", guardian = new { fullName = "Kubanych Jeenbekov", relation = "Lawyer" } },
            true, false, "Kubanych Jeenbekov"),
        new("override-life", "Tokoeva", 1985, new { referral = false, dataSharing = false, research = false, givenBy = "Self", @override = "LifeThreatening" }, true, false, null),
        new("override-child", "Bakirova", 2014, new { referral = false, dataSharing = false, research = false, givenBy = "Self", @override = "BestInterestsOfChild" }, true, false, null),
        new("none", "Nurlanova", 1992, new { referral = false, dataSharing = false, research = false, givenBy = "Self" }, false, false, null),
    ];

    private const string Period = "from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z";

    public static TheoryData<string> VariantNames() => [.. Variants.Select(v => v.Name)];

    [Theory]
    [MemberData(nameof(VariantNames))]
    public async Task Each_agency_sees_the_person_exactly_as_the_rule_and_the_consent_say_and_nothing_leaks(string variantName)
    {
        var variant = Variants.Single(v => v.Name == variantName);
        var world = fixture.World;
        var f = world.Field;
        var region = f.Region($"Consent {variant.Name}");
        // The first covers more of the needs, so routing refers the case to it; the second gets a referral by hand.
        var first = await f.AgencyAsync($"kg-consent-a-{variant.Name}", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [region], ["IKU"], ["ShelterMinors", "Shelter", "Legal"]));
        var second = await f.AgencyAsync($"kg-consent-b-{variant.Name}", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [region], [], ["ShelterMinors", "Shelter"]));
        using var firstWorker = await f.UserAsync($"consent-a-{variant.Name}", first, "NgoCaseworker");
        using var secondWorker = await f.UserAsync($"consent-b-{variant.Name}", second, "NgoCaseworker");
        var consul = world.Consul;
        var stranger = world.Caller("unrelated: NgoCaseworker");
        await using var consulHub = await DashboardClient.ConnectAsync(fixture.System.WebUrl, consul.Token!);
        await using var firstHub = await DashboardClient.ConnectAsync(fixture.System.WebUrl, firstWorker.Token!);
        await using var secondHub = await DashboardClient.ConnectAsync(fixture.System.WebUrl, secondWorker.Token!);

        var fullName = $"Aigul {variant.Surname}";
        var passport = $"KC{7_300_100 + Array.IndexOf(Variants, variant)}";
        var phone = $"+996 70{variant.BirthYear % 100:D2} {variant.Surname.Length:D2}1 234";
        var flag = Field.Flag(fullName, "F", variant.BirthYear, "KG", "TR", region, ["Shelter", "Legal"], passport: passport, phone: phone);
        flag["consent"] = variant.Consent;
        var flagged = (await consul.PostAsync("/api/cases", flag)).Expect(HttpStatusCode.Created).Json!;
        var caseId = flagged["id"]!.GetValue<string>();

        // The opening post always sees the person, and the guardian who consented.
        await ExpectSeesAsync(consul, caseId, sees: true, variant);
        await ExpectNotInvolvedAsync(stranger, caseId);

        if (!variant.Referred)
        {
            Assert.Empty(flagged["referrals"]!.AsArray());
            await ExpectNotInvolvedAsync(firstWorker, caseId);
            (await consul.PostAsync($"/api/cases/{caseId}/referrals", new { toAgencyId = second, services = new[] { "Shelter" } })).ExpectProblem(HttpStatusCode.Conflict);
            await ExpectNotInvolvedAsync(secondWorker, caseId);
        }
        else
        {
            var referral = (await firstHub.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived)).Data["referralId"];

            // Pending: the rule of a pending receiver.
            await ExpectSeesAsync(firstWorker, caseId, Sees(CaseRelation.PendingReceiver, variant), variant);

            // Accepted: the command's answer never carries the person; reads follow the rule and the consent.
            var accepted = (await firstWorker.PostAsync($"/api/cases/{caseId}/referrals/{referral}/accept", null)).Expect(HttpStatusCode.OK).Json!;
            AssertPerson(accepted, sees: false, variant);
            await ExpectSeesAsync(firstWorker, caseId, Sees(CaseRelation.AcceptedReceiver, variant), variant);

            // A second referral, by hand, to another agency: pending, then declined, which takes the case out of its sight.
            var manual = (await consul.PostAsync($"/api/cases/{caseId}/referrals", new { toAgencyId = second, services = new[] { "Shelter" } }))
                .Expect(HttpStatusCode.Created).Json!;
            AssertPerson(manual, sees: false, variant);
            var secondReferral = (await secondHub.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived)).Data["referralId"];
            await ExpectSeesAsync(secondWorker, caseId, Sees(CaseRelation.PendingReceiver, variant), variant);
            (await secondWorker.PostAsync($"/api/cases/{caseId}/referrals/{secondReferral}/decline", new { reason = "no place" })).Expect(HttpStatusCode.OK);
            await ExpectNotInvolvedAsync(secondWorker, caseId);
            await consulHub.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralDeclined);

            // The rest of the lifecycle, home and closed, by the post and the agency that accepted.
            await CaseLifecycle.CloseAsync(consul, firstWorker, caseId, "IKU");
            await ExpectSeesAsync(firstWorker, caseId, Sees(CaseRelation.AcceptedReceiver, variant), variant);
        }

        // Nothing that identifies the person or the guardian went anywhere but to those reads.
        string[] secrets = [fullName, variant.Surname, passport, phone, .. (variant.Guardian?.Split(' ') ?? [])];
        var pushes = JsonSerializer.Serialize(consulHub.Received.Concat(firstHub.Received).Concat(secondHub.Received), CoordinationJson.Options);
        var since = JsonSerializer.Serialize(new[] { await consulHub.SinceAsync(0), await firstHub.SinceAsync(0), await secondHub.SinceAsync(0) }, CoordinationJson.Options);
        var feeds = string.Concat(
            (await consul.GetAsync("/api/feed?limit=1000")).Expect(HttpStatusCode.OK).Body,
            (await firstWorker.GetAsync("/api/feed?limit=1000")).Expect(HttpStatusCode.OK).Body,
            (await secondWorker.GetAsync("/api/feed?limit=1000")).Expect(HttpStatusCode.OK).Body);
        var timeline = (await consul.GetAsync($"/api/cases/{caseId}/timeline")).Expect(HttpStatusCode.OK).Body;
        var analyst = world.Caller("post: Analyst");
        var statistics = (await analyst.GetAsync($"/api/statistics?country=KG&{Period}")).Expect(HttpStatusCode.OK).Body;
        var export = (await analyst.GetAsync($"/api/statistics/export.csv?country=KG&{Period}&k=5")).Expect(HttpStatusCode.OK).Body;
        var logs = fixture.System.AllLogs();
        if (variant.Referred)
        {
            Assert.Contains(caseId, pushes); // the pushes looked at are the case's
        }

        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, pushes, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, since, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, feeds, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, timeline, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, statistics, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, export, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(await fixture.TablesContainingAsync(secret));
        }
    }

    /// <summary>What <see cref="CaseAccess"/> says of reading the person, for this relation and this case's consent.</summary>
    private static bool Sees(CaseRelation relation, Variant variant) =>
        CaseAccess.Rules.Single(r => r.Action == CaseAction.ReadPerson).ByRelation[(int)relation] switch
        {
            CasePermission.Yes => true,
            CasePermission.WithConsent => variant.DataSharing,
            _ => false,
        };

    /// <summary>The case as the caller reads it, alone and in its list, shows the person (and the guardian's name) exactly when <paramref name="sees"/>.</summary>
    private static async Task ExpectSeesAsync(ApiClient caller, string caseId, bool sees, Variant variant)
    {
        AssertPerson((await caller.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!, sees, variant);
        var listed = (await caller.GetAsync($"/api/cases?limit=500&q={caseId}")).Expect(HttpStatusCode.OK).Json!.AsArray()
            .Single(c => c!["id"]!.GetValue<string>() == caseId)!;
        AssertPerson(listed, sees, variant);
    }

    private static void AssertPerson(JsonNode view, bool sees, Variant variant)
    {
        Assert.Equal(sees, view["person"] is JsonObject);
        var guardian = view["consent"]?["guardian"]?["fullName"]?.GetValue<string>();
        Assert.Equal(sees ? variant.Guardian : null, guardian);
        Assert.Equal(variant.DataSharing, view["consent"]!["dataSharing"]!.GetValue<bool>());
    }

    private static async Task ExpectNotInvolvedAsync(ApiClient caller, string caseId)
    {
        (await caller.GetAsync($"/api/cases/{caseId}")).ExpectProblem(HttpStatusCode.NotFound);
        var listed = (await caller.GetAsync($"/api/cases?limit=500&q={caseId}")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.DoesNotContain(listed, c => c!["id"]!.GetValue<string>() == caseId);
    }
}
