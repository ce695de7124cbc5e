using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Places;
using Coordination.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Coordination.Tests.Grains;

/// <summary>
/// The world of one test on the shared cluster. Agency ids and home regions carry a suffix unique to
/// the test, so that routing in one test never sees the agencies another test registered (routing
/// reads the whole directory). No test registers a country-wide receiving agency on the shared
/// cluster for the same reason; country-wide matching is covered by <see cref="ReferralRouterTests"/>.
/// </summary>
public sealed class Scenario(InProcessClusterFixture fixture)
{
    public string Suffix { get; } = Guid.NewGuid().ToString("N")[..10];

    public IClusterClient Client => fixture.Client;

    public FakeTimeProvider Clock => fixture.Clock;

    public int Year => Clock.GetUtcNow().Year;

    /// <summary>A home region unique to this test, e.g. <c>Khatlon-3f9a…</c>.</summary>
    public string Region(string name) => $"{name}-{Suffix}";

    public string FullName => $"Zarina Testova {Suffix}";

    public string Passport => $"P{Suffix.ToUpperInvariant()}";

    public string Phone => $"+99290{Math.Abs(Suffix.GetHashCode()) % 10_000_000:D7}";

    public IAgencyDirectoryGrain Directory => Client.GetGrain<IAgencyDirectoryGrain>(0);

    public ICaseIntakeGrain Intake => Client.GetGrain<ICaseIntakeGrain>(0);

    public ICaseGrain Case(string caseId) => Client.GetGrain<ICaseGrain>(caseId);

    public IAgencyFeedGrain FeedOf(Agency agency) => Client.GetGrain<IAgencyFeedGrain>(agency.Id);

    public Task<IReadOnlyList<FeedItem>> Feed(Agency agency) => FeedOf(agency).Since(0, 10_000);

    public static Actor Staff(Agency agency) => new($"staff-of-{agency.Id}", agency.Id);

    public Task<Agency> Post(string name, string country, string hostCountry = "TR", string city = "Istanbul") =>
        Directory.Create(new Agency($"{name}-{Suffix}", $"{name} ({country} in {city})", AgencyKind.ConsularPost, country, hostCountry, city,
            "Europe/Istanbul", [], [], []));

    public Task<Agency> Receiving(
        string name, string country, string[] regions, AgencyService[] services,
        AgencyKind kind = AgencyKind.Ngo, string[]? airports = null, string timeZone = "Asia/Dushanbe") =>
        Directory.Create(new Agency($"{name}-{Suffix}", name, kind, country, null, null, timeZone, regions, airports ?? [], services));

    /// <summary>Registers a place of the directory under a code only this scenario uses (places are global).</summary>
    public Task<Place> RegisterPlace(string code, string name, PlaceKind kind, string country, string timeZone) =>
        Client.GetGrain<IPlaceDirectoryGrain>(0).Create(new Place($"{code}-{Suffix.ToUpperInvariant()}", name, kind, country, timeZone), new Actor("admin", string.Empty));

    public Task<Agency> Unrelated(string name) =>
        Directory.Create(new Agency($"{name}-{Suffix}", name, AgencyKind.Ministry, "UZ", null, "Tashkent", "Asia/Tashkent", [], [], []));

    public FlagCase NewCase(
        string citizenship, string homeRegion, Need[] needs, int age = 30, Urgency urgency = Urgency.Urgent, Sex sex = Sex.F) =>
        new(new Person(FullName, sex, Year - age, citizenship, Passport, Phone),
            "TR", "Istanbul, Kumkapı removal centre", Situation.Detained, ExploitationType.Labour, needs, urgency, homeRegion,
            age < 18 ? GuardianConsent : Consent.AllOrNone(true, "referral and return"), ReportedBy.Consulate);

    /// <summary>A minor's consent, as it must be given: by a guardian, named.</summary>
    public static readonly Consent GuardianConsent =
        new(true, true, true, ConsentGiver.Guardian, new Guardian("Gulnara Guardian", "mother"), Scope: "referral and return");

    /// <summary>The grain tests' staff hold every role that opens cases; what the roles allow is the web host's to say.</summary>
    public static readonly IReadOnlyList<AgencyKind> EveryDoor =
        [AgencyKind.ConsularPost, AgencyKind.Ngo, AgencyKind.Shelter, AgencyKind.Hotline, AgencyKind.LawEnforcement];

    public async Task<CaseView> Flag(Agency post, FlagCase command, string? key = null, string? hash = null)
    {
        var result = await Intake.Flag(command, Staff(post), EveryDoor, key, hash);
        Assert.True(result.Created);
        return result.Case;
    }

    /// <summary>A post of <paramref name="country"/> and a shelter NGO of its <paramref name="region"/>, whose feed one flag has activated.</summary>
    public async Task<(Agency Post, Agency Shelter)> PostAndShelterAfterOneFlag(string country, string region)
    {
        var post = await Post($"{country.ToLowerInvariant()}-post", country);
        var shelter = await Receiving($"{country.ToLowerInvariant()}-ngo", country, [Region(region)], [AgencyService.Shelter]);
        await Flag(post, NewCase(country, Region(region), [Need.Shelter]));
        return (post, shelter);
    }

    public static async Task<DomainException> Refused(Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<DomainException>(action);
        return ex;
    }
}
