using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Grains;

namespace Coordination.Tests.FollowUps;

/// <summary>
/// The re-trafficking signal on a real cluster and database: a person flagged again reaches the
/// agency that assisted them before, by case ids alone, only with consent to contact, and nobody else.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class ReTraffickingSignalTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_person_flagged_again_a_year_after_closure_raises_PossibleReTrafficking_to_the_NGO_that_reintegrated_them_without_a_name()
    {
        var s = new Scenario(fixture);
        var (istanbul, moscow, naryn, talas) = await AgenciesAsync(s);
        var earlier = await ReintegratedAndClosedAsync(s, istanbul, naryn);

        fixture.Clock.Advance(TimeSpan.FromDays(365));
        // Found again, in Moscow, now from Talas: another post and another NGO take the new case.
        var again = await s.Flag(moscow, Again(s, earlier));
        Assert.Equal(talas.Id, Assert.Single(again.Referrals).ToAgencyId);

        var signal = Assert.Single(await s.Feed(naryn), i => i.Type == FeedItemType.PossibleReTrafficking);
        Assert.Equal((earlier.Id, FeedItemKind.Alert, true), (signal.CaseId, signal.Kind, signal.RequiresAck));
        Assert.Equal(new Dictionary<string, string> { ["caseId"] = earlier.Id, ["earlierCaseId"] = earlier.Id, ["newCaseId"] = again.Id },
            signal.Data.ToDictionary());
        foreach (var personal in new[] { s.FullName, "Zarina", s.Passport, s.Phone, "Moscow", "Talas" })
        {
            Assert.DoesNotContain(personal, signal.Summary + " " + string.Join(" ", signal.Data.Values), StringComparison.OrdinalIgnoreCase);
        }

        // Nobody else learns of the match: not the new case's post or NGO, not its timeline; and the
        // NGO told of it does not see the new case.
        foreach (var agency in new[] { moscow, talas, istanbul })
        {
            Assert.DoesNotContain(await s.Feed(agency), i => i.Type == FeedItemType.PossibleReTrafficking || (i.CaseId == again.Id && Mentions(i, earlier.Id)));
        }

        Assert.DoesNotContain(await s.Case(again.Id).Timeline(Scenario.Staff(moscow)), e => (e.Note ?? string.Empty).Contains(earlier.Id, StringComparison.Ordinal));
        Assert.Null(await s.Case(again.Id).Get(Scenario.Staff(naryn)));

        // Once the NGO is referred the new case too, it may follow the link; a third flag is a new signal, not the same one again.
        fixture.Clock.Advance(TimeSpan.FromDays(1));
        await s.Case(again.Id).Refer(new ManualReferral(naryn.Id, [AgencyService.Shelter], null), Scenario.Staff(moscow));
        Assert.NotNull(await s.Case(again.Id).Get(Scenario.Staff(naryn)));
        Assert.Single(await s.Feed(naryn), i => i.Type == FeedItemType.PossibleReTrafficking);
    }

    [Fact]
    public async Task No_signal_when_the_earlier_case_s_consent_to_contact_was_withdrawn_or_the_name_belongs_to_another_passport()
    {
        var s = new Scenario(fixture);
        var (istanbul, moscow, naryn, _) = await AgenciesAsync(s);
        var earlier = await ReintegratedAndClosedAsync(s, istanbul, naryn);
        var withdrawn = await s.Case(earlier.Id).RecordEvent(CaseEventType.ConsentWithdrawn, null, null, Scenario.Staff(naryn));
        Assert.False(withdrawn.Consent.Given);

        fixture.Clock.Advance(TimeSpan.FromDays(365));
        await s.Flag(moscow, Again(s, earlier));
        Assert.DoesNotContain(await s.Feed(naryn), i => i.Type == FeedItemType.PossibleReTrafficking);

        // Consent given again: the next flag of the person is signalled — but not that of a namesake born the
        // same year whose passport differs, who by the statistics' rule is another person.
        await s.Case(earlier.Id).RecordEvent(CaseEventType.ConsentGiven, "asked again at a follow-up call", null, Scenario.Staff(istanbul));
        var namesake = Again(s, earlier);
        await s.Flag(moscow, namesake with { Person = namesake.Person with { PassportNumber = "P0THER0NE" } });
        Assert.DoesNotContain(await s.Feed(naryn), i => i.Type == FeedItemType.PossibleReTrafficking);
        var same = await s.Flag(moscow, Again(s, earlier));
        Assert.Equal(same.Id, Assert.Single(await s.Feed(naryn), i => i.Type == FeedItemType.PossibleReTrafficking).Data["newCaseId"]);
    }

    /// <summary>The person of <paramref name="earlier"/> (as flagged then: the same name, birth year and passport), found again in Moscow, now from Talas.</summary>
    private static FlagCase Again(Scenario s, CaseView earlier)
    {
        var flag = s.NewCase("KG", s.Region("Talas"), [Need.Shelter]) with { CurrentCountry = "RU", Location = "Moscow" };
        return flag with { Person = flag.Person with { BirthYear = earlier.FlaggedAt.Year - 30 } };
    }

    private static bool Mentions(FeedItem item, string caseId) =>
        item.Summary.Contains(caseId, StringComparison.Ordinal) || item.Data.Values.Contains(caseId);

    private static async Task<(Agency Istanbul, Agency Moscow, Agency Naryn, Agency Talas)> AgenciesAsync(Scenario s) => (
        await s.Post("kg-consulate-istanbul", "KG"),
        await s.Post("kg-consulate-moscow", "KG", "RU", "Moscow"),
        await s.Receiving("kg-ngo-naryn", "KG", [s.Region("Naryn")], [AgencyService.Shelter, AgencyService.Reintegration], airports: ["FRU"], timeZone: "Asia/Bishkek"),
        await s.Receiving("kg-ngo-talas", "KG", [s.Region("Talas")], [AgencyService.Shelter], timeZone: "Asia/Bishkek"));

    /// <summary>The scenario's person, flagged in Istanbul, brought home to the Naryn NGO, reintegrated and closed.</summary>
    private static async Task<CaseView> ReintegratedAndClosedAsync(Scenario s, Agency post, Agency ngo)
    {
        var home = await Returns.HomeAsync(s, post, ngo, s.NewCase("KG", s.Region("Naryn"), [Need.Shelter]), s.Clock.GetUtcNow().AddDays(2),
            CaseEventType.Arrived, CaseEventType.ReceivedByAgency, CaseEventType.Sheltered, CaseEventType.ReintegrationStarted);
        Assert.DoesNotContain(await s.Feed(ngo), i => i.Type == FeedItemType.PossibleReTrafficking);
        return await s.Case(home.Id).RecordEvent(CaseEventType.Closed, null, null, Scenario.Staff(ngo), ClosureReason.Reintegrated);
    }
}
