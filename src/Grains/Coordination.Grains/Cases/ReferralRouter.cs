using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;

namespace Coordination.Grains.Cases;

/// <summary>
/// Where the router sent a case: the case with its new pending <see cref="Referral"/>, or unchanged
/// with the reason no agency matches. Either way the timeline records it, as the system's doing.
/// </summary>
public sealed record Routing(CaseView Case, Referral? Referral, string? NoMatchReason)
{
    public CaseEventType Event => Referral is null ? CaseEventType.NoReceivingAgency : CaseEventType.Referred;

    public string Note => Referral is null ? NoMatchReason! : $"to {Referral.ToAgencyId}";
}

/// <summary>
/// Chooses the receiving agency for a case. Hard rules: an active agency of the person's citizenship that
/// receives people, serves the home region (for an internal case, failing that, the region where the person is), has not already declined, — for a minor — offers
/// <see cref="AgencyService.ShelterMinors"/> (never an adult-only shelter), and is no full shelter (<see cref="IsFullShelter"/>). Among those, the one
/// that covers most of the needed services wins, then one that names the region explicitly over a
/// country-wide one, then the id for a stable choice.
/// </summary>
public static class ReferralRouter
{
    public static IReadOnlyList<AgencyService> RequiredServices(IEnumerable<Need> needs, bool minor)
    {
        var services = new List<AgencyService>();
        if (minor)
        {
            services.Add(AgencyService.ShelterMinors);
        }

        foreach (var need in needs)
        {
            AgencyService? service = need switch
            {
                Need.Shelter => minor ? AgencyService.ShelterMinors : AgencyService.Shelter,
                Need.Legal => AgencyService.Legal,
                Need.Medical => AgencyService.Medical,
                Need.Psychological => AgencyService.Psychological,
                Need.Reintegration => AgencyService.Reintegration,
                Need.Escort => AgencyService.Escort,
                _ => null, // travel documents are the consular post's own work
            };
            if (service is { } s && !services.Contains(s))
            {
                services.Add(s);
            }
        }

        return services;
    }

    public static (Agency Agency, IReadOnlyList<AgencyService> Services)? Route(
        string citizenship, string homeRegion, bool minor, IReadOnlyList<AgencyService> required,
        IEnumerable<Agency> agencies, IReadOnlySet<string> excluded)
    {
        var best = agencies
            .Where(a => a.IsReceiving
                && a.Active
                && string.Equals(a.Country, citizenship, StringComparison.OrdinalIgnoreCase)
                && a.Serves(homeRegion)
                && !excluded.Contains(a.Id)
                && (!minor || a.Services.Contains(AgencyService.ShelterMinors))
                && !IsFullShelter(a, minor, required))
            .Select(a => (Agency: a, Covered: required.Where(a.Services.Contains).ToList()))
            .Where(c => required.Count == 0 || c.Covered.Count > 0)
            .OrderByDescending(c => c.Covered.Count)
            .ThenByDescending(c => c.Agency.ServesRegions.Count > 0)
            .ThenBy(c => c.Agency.Id, StringComparer.Ordinal)
            .FirstOrDefault();

        return best.Agency is null ? null : (best.Agency, best.Covered);
    }

    /// <summary>
    /// A shelter without a free bed for the person's age group (minors' beds for a minor, adults' else),
    /// which automatic routing skips: an agency of kind <see cref="AgencyKind.Shelter"/>, or one whose
    /// shelter service the person needs, that published zero free beds. An agency that never published
    /// its beds is never skipped for them, nor is an agency routed for other services than shelter.
    /// </summary>
    public static bool IsFullShelter(Agency a, bool minor, IReadOnlyList<AgencyService> required) =>
        a.IsFullFor(minor)
        && (a.Kind == AgencyKind.Shelter || required.Any(s => s is AgencyService.Shelter or AgencyService.ShelterMinors && a.Services.Contains(s)));

    /// <summary>
    /// Refers the case to the best matching receiving agency not in <paramref name="excluded"/>, if there is one;
    /// the referral expires at <paramref name="answerBy"/> unless answered.
    /// </summary>
    public static Routing Refer(CaseView c, IEnumerable<Agency> agencies, IReadOnlySet<string> excluded, DateTimeOffset now, DateTimeOffset? answerBy = null)
    {
        var person = c.Person!;
        var required = RequiredServices(c.Needs, c.Minor);
        var candidates = agencies.ToList();
        var match = Route(person.Citizenship, c.HomeRegion, c.Minor, required, candidates, excluded);

        // A person trafficked within their own country may be helped where they are rather than where they come from.
        if (match is null && c.Route == CaseRoute.Internal && c.CurrentRegion is { } where)
        {
            match = Route(person.Citizenship, where, c.Minor, required, candidates, excluded);
        }

        if (match is null)
        {
            return new Routing(c, null, c.Minor
                ? $"no agency offering ShelterMinors serves {c.HomeRegion} ({person.Citizenship})"
                : $"no receiving agency serves {c.HomeRegion} ({person.Citizenship}) with the needed services");
        }

        var (agency, services) = match.Value;
        var referral = new Referral(CaseLifecycle.NextReferralId(c), agency.Id, services, ReferralStatus.Pending, null, now, null, answerBy, c.FlaggedByAgencyId);
        return new Routing(c with { Referrals = [.. c.Referrals, referral] }, referral, null);
    }

    /// <summary>
    /// The next agency for an onward referral nobody answered: a receiving agency of the person's country
    /// serving the home region that covers some of <paramref name="expired"/>'s services and is not in
    /// <paramref name="excluded"/>, referred by the same agency; the case unchanged when none does.
    /// </summary>
    public static Routing ReferOnward(CaseView c, Referral expired, IEnumerable<Agency> agencies, IReadOnlySet<string> excluded, DateTimeOffset now, DateTimeOffset answerBy)
    {
        var match = Route(c.Citizenship, c.HomeRegion, c.Minor && expired.Services.Contains(AgencyService.ShelterMinors), expired.Services, agencies, excluded);
        if (match is not { } found)
        {
            return new Routing(c, null, $"no other receiving agency serves {c.HomeRegion} ({c.Citizenship}) with {string.Join(", ", expired.Services)}");
        }

        var referral = new Referral(CaseLifecycle.NextReferralId(c), found.Agency.Id, found.Services, ReferralStatus.Pending, null, now, expired.Note, answerBy, expired.ByAgencyId);
        return new Routing(c with { Referrals = [.. c.Referrals, referral] }, referral, null);
    }

    /// <summary>
    /// The case's pending referral moved to the agency that routing of the case's (corrected) facts
    /// picks now, when that is another one: the pending referral becomes <see cref="ReferralStatus.Rerouted"/>
    /// and a new pending one goes to the chosen agency. Only while the case is open and no agency has
    /// accepted it (an agency that has the person keeps them), and never to nobody: when no agency
    /// matches the corrected facts, the pending referral stays where it is.
    /// </summary>
    public static (Routing Routing, Referral Rerouted)? Reroute(CaseView c, IEnumerable<Agency> agencies, DateTimeOffset now, DateTimeOffset? answerBy = null)
    {
        if (!CaseLifecycle.IsOpen(c.Status) || c.Referrals.Any(r => r.Status == ReferralStatus.Accepted)
            || c.Referrals.LastOrDefault(r => r.Status == ReferralStatus.Pending) is not { } pending)
        {
            return null;
        }

        var declined = c.Referrals.Where(r => r.Status is ReferralStatus.Declined or ReferralStatus.Expired).Select(r => r.ToAgencyId).ToHashSet();
        var match = Route(c.Citizenship, c.HomeRegion, c.Minor, RequiredServices(c.Needs, c.Minor), agencies, declined);
        if (match is not { } chosen || chosen.Agency.Id == pending.ToAgencyId)
        {
            return null;
        }

        var (agency, services) = chosen;

        var rerouted = pending with { Status = ReferralStatus.Rerouted, Reason = "the case's facts were corrected", At = now };
        var moved = c with { Referrals = c.Referrals.Select(r => r.Id == pending.Id ? rerouted : r).ToList() };
        var referral = new Referral(CaseLifecycle.NextReferralId(moved), agency.Id, services, ReferralStatus.Pending, null, now, null, answerBy, pending.ByAgencyId ?? c.FlaggedByAgencyId);
        return (new Routing(moved with { Referrals = [.. moved.Referrals, referral] }, referral, null), rerouted);
    }

    /// <summary>
    /// The agency a referral by hand may go to: one that exists, receives and assists people, is of
    /// the person's own country (a referral shows the person to it: never to a third country's), and
    /// holds no open referral of the case already.
    /// </summary>
    public static Agency ManualTarget(CaseView c, string toAgencyId, Agency? target)
    {
        if (target is null)
        {
            throw DomainException.Invalid("toAgencyId", $"Agency '{toAgencyId}' does not exist.");
        }

        if (!target.IsReceiving)
        {
            throw DomainException.Invalid("toAgencyId", $"Agency '{target.Id}' is a {target.Kind}; referrals go to receiving agencies (Ngo, Shelter, InternationalOrganization).");
        }

        if (target.Country != c.Citizenship)
        {
            throw DomainException.Invalid("toAgencyId", $"Agency '{target.Id}' is of {target.Country}; the person's data goes only to agencies of their own country ({c.Citizenship}).");
        }

        if (c.Referrals.Any(r => r.ToAgencyId == target.Id && r.Status is ReferralStatus.Pending or ReferralStatus.Accepted))
        {
            throw DomainException.Conflict($"Case {c.Id} is already referred to {target.Id}.");
        }

        return target;
    }

    /// <summary>
    /// The agency that meets arrivals at an airport or place: one already helping the case first, then one
    /// that names the person's home region, then a country-wide one, then any other. A deactivated
    /// agency meets only the arrivals of cases it still holds an open referral of.
    /// </summary>
    public static Agency? PickupAgency(string citizenship, string homeRegion, string arrivalPoint, IEnumerable<Agency> agencies, IReadOnlyList<Referral> referrals)
    {
        int Rank(Agency a)
        {
            var referral = referrals.LastOrDefault(r => r.ToAgencyId == a.Id);
            return referral?.Status switch
            {
                ReferralStatus.Accepted => 0,
                ReferralStatus.Pending => 1,
                _ => 2,
            };
        }

        return agencies
            .Where(a => a.IsReceiving
                && string.Equals(a.Country, citizenship, StringComparison.OrdinalIgnoreCase)
                && a.MeetsArrivalsAt(arrivalPoint)
                && (a.Active || Rank(a) < 2)
                && !referrals.Any(r => r.ToAgencyId == a.Id && r.Status == ReferralStatus.Declined))
            .OrderBy(Rank)
            .ThenBy(a => a.ServesRegions.Count > 0 && a.Serves(homeRegion) ? 0 : a.ServesRegions.Count == 0 ? 1 : 2)
            .ThenBy(a => a.Id, StringComparer.Ordinal)
            .FirstOrDefault();
    }
}
