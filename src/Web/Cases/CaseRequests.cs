using System.Text.RegularExpressions;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Web.Errors;

namespace Coordination.Web.Cases;

public sealed record PersonRequest(string? FullName, Sex? Sex, int? BirthYear, string? Citizenship, string? PassportNumber, string? Phone);

/// <summary>
/// The person's consent: either <c>given</c> (all three uses, by the person) as the first contract
/// had it, or each of <c>referral</c>, <c>dataSharing</c> and <c>research</c>, by whom, and an override.
/// </summary>
public sealed record ConsentRequest(
    bool? Given, string? Scope, bool? Referral = null, bool? DataSharing = null, bool? Research = null,
    ConsentGiver? GivenBy = null, GuardianRequest? Guardian = null, ConsentOverride? Override = null);

public sealed record GuardianRequest(string? FullName, string? Relation);

/// <summary>The consent recorded anew, as the flag gives it, and optionally the version of the case it was decided on.</summary>
public sealed record ConsentChangeRequest(ConsentRequest? Consent, int? ExpectedVersion);

public sealed record FlagCaseRequest(
    PersonRequest? Person, string? CurrentCountry, string? Location, Situation? Situation, ExploitationType? ExploitationType,
    IReadOnlyList<Need?>? Needs, Urgency? Urgency, string? HomeRegion, ConsentRequest? Consent, ReportedBy? ReportedBy,
    IdentificationChannel? IdentifiedBy = null, string? CurrentRegion = null, IReadOnlyList<ExploitationType?>? Exploitation = null);

public sealed record ReferralRequest(string? ToAgencyId, IReadOnlyList<AgencyService?>? Services, string? Note);

public sealed record DeclineRequest(string? Reason);

public sealed record ErasureRequest(string? Reason);

/// <summary>A journey home: by air (the default) a flight between airports; by road or rail an optional train or bus reference between places of the directory.</summary>
public sealed record TravelRequest(
    string? FlightNumber, string? DepartureAirport, string? ArrivalAirport, DateTimeOffset? ScheduledArrival, string? Escort, string? TravelDocument,
    TravelMode? Mode = null, string? Reference = null, string? DeparturePlace = null, string? ArrivalPlace = null);

/// <summary>The new arrival of a journey under way.</summary>
public sealed record DelayRequest(DateTimeOffset? ScheduledArrival);

public sealed record CorrectionRequest(string? HomeRegion, int? BirthYear, IReadOnlyList<Need?>? Needs, string? Reason, int? ExpectedVersion);

public sealed record CaseEventRequest(CaseEventType? Type, string? Note, int? ExpectedVersion, ClosureReason? Reason, ReintegrationPlanRequest? Plan = null);

/// <summary>The plan ReintegrationStarted may carry: services offered, goals and the responsible caseworker, each optional.</summary>
public sealed record ReintegrationPlanRequest(IReadOnlyList<ReintegrationService?>? Services, string? Goals, string? Caseworker);

public sealed record FollowUpRequest(FollowUpOutcome? Outcome, string? Note);

/// <summary>Turns requests into commands, or into the full list of what is wrong with them.</summary>
public static partial class CaseRequests
{
    public static FlagCase? ToCommand(this FlagCaseRequest request, RequestErrors errors, TimeProvider clock)
    {
        var person = errors.Required("person", request.Person);
        string? fullName = null, citizenship = null, passport = null, phone = null;
        Sex? sex = null;
        int? birthYear = null;
        if (person is not null)
        {
            fullName = errors.Text("person.fullName", person.FullName, 200);
            sex = errors.Required("person.sex", person.Sex);
            birthYear = errors.Required("person.birthYear", person.BirthYear);
            var thisYear = clock.GetUtcNow().Year;
            if (birthYear is { } y && (y < thisYear - 120 || y > thisYear))
            {
                errors.Add("person.birthYear", $"A year between {thisYear - 120} and {thisYear}.");
            }

            citizenship = errors.Country("person.citizenship", person.Citizenship);
            passport = errors.Pattern("person.passportNumber", person.PassportNumber?.Trim(), PassportPattern(),
                "5–20 capital letters and digits.", required: false);
            phone = errors.Pattern("person.phone", person.Phone?.Trim(), PhonePattern(),
                "A phone number: digits, spaces, '+', '-', '(' and ')'.", required: false);
        }

        var currentCountry = errors.Country("currentCountry", request.CurrentCountry);
        var location = errors.Text("location", request.Location, 200);
        var situation = errors.Required("situation", request.Situation);
        var (exploitation, forms) = ExploitationOf(request, errors);
        var needs = errors.List("needs", request.Needs?.Select(n => (object?)n).ToList(), 20).Cast<Need>().ToList();
        var urgency = errors.Required("urgency", request.Urgency);
        var homeRegion = errors.Text("homeRegion", request.HomeRegion, 100);
        var currentRegion = errors.Text("currentRegion", request.CurrentRegion, 100, required: false);
        var consent = errors.Required("consent", request.Consent) is { } given ? given.ToConsent(errors, "consent") : null;
        if (errors.Any)
        {
            return null;
        }

        return new FlagCase(
            new Person(fullName!, sex!.Value, birthYear!.Value, citizenship!, passport, phone),
            currentCountry!, location!, situation!.Value, exploitation!.Value, needs, urgency!.Value, homeRegion!,
            consent!, request.ReportedBy, request.IdentifiedBy, currentRegion, forms);
    }

    /// <summary>
    /// The forms of exploitation a flag records: the set <c>exploitation</c>, or — from clients that
    /// predate it — the single <c>exploitationType</c>, or both when the single one is in the set. The
    /// primary type (the case's <c>exploitationType</c>) is the single one given, else the set's first;
    /// the set starts with it.
    /// </summary>
    private static (ExploitationType? Primary, IReadOnlyList<ExploitationType>? Set) ExploitationOf(FlagCaseRequest request, RequestErrors errors)
    {
        if (request.Exploitation is null)
        {
            var single = errors.Required("exploitationType", request.ExploitationType);
            return (single, single is { } one ? [one] : null);
        }

        var set = errors.List("exploitation", request.Exploitation, Enum.GetValues<ExploitationType>().Length).Select(e => e!.Value).ToList();
        if (request.Exploitation.Count == 0)
        {
            errors.Add("exploitation", "At least one form of exploitation, e.g. [\"Sexual\", \"Labour\"].");
            return (null, null);
        }

        if (request.ExploitationType is { } named && set.Count > 0 && !set.Contains(named))
        {
            errors.Add("exploitationType", "One of the forms in exploitation: the primary one.");
        }

        var primary = request.ExploitationType ?? (set.Count > 0 ? set[0] : null);
        return (primary, primary is { } p ? [p, .. set.Where(e => e != p)] : set);
    }

    /// <summary>
    /// The consent a request gives: <c>given</c> alone means all three uses by the person; otherwise
    /// each of the three is required. A guardian is named exactly when someone other than the person gave it.
    /// Whether the person may give it themselves (a minor may not) is the case's rule, which knows their age.
    /// </summary>
    public static Consent? ToConsent(this ConsentRequest request, RequestErrors errors, string prefix)
    {
        var scope = errors.Text($"{prefix}.scope", request.Scope, 500, required: false);
        bool referral, dataSharing, research;
        if (request.Given is { } all)
        {
            if (request.Referral is not null || request.DataSharing is not null || request.Research is not null)
            {
                errors.Add($"{prefix}.given", "Either given (all three uses) or referral, dataSharing and research, not both.");
            }

            referral = dataSharing = research = all;
        }
        else
        {
            referral = errors.Required($"{prefix}.referral", request.Referral) ?? false;
            dataSharing = errors.Required($"{prefix}.dataSharing", request.DataSharing) ?? false;
            research = errors.Required($"{prefix}.research", request.Research) ?? false;
        }

        var givenBy = request.GivenBy ?? ConsentGiver.Self;
        Guardian? guardian = null;
        if (request.Guardian is { } named)
        {
            var fullName = errors.Text($"{prefix}.guardian.fullName", named.FullName, 200);
            var relation = errors.Text($"{prefix}.guardian.relation", named.Relation, 100);
            guardian = new Guardian(fullName, relation ?? string.Empty);
            if (givenBy == ConsentGiver.Self)
            {
                errors.Add($"{prefix}.guardian", "Only a consent given by a Guardian or LegalRepresentative names one.");
            }
        }
        else if (givenBy != ConsentGiver.Self)
        {
            errors.Add($"{prefix}.guardian", $"A consent given by a {givenBy} names them: fullName and relation to the person.");
        }

        return errors.Any ? null : new Consent(referral, dataSharing, research, givenBy, guardian, request.Override, scope?.Trim());
    }

    /// <summary>
    /// The journey, its fields checked for its mode: a flight's number and airports by air, places of
    /// the directory's shape by road or rail (the case grain checks that the directory holds them),
    /// and the fields of the other modes refused rather than ignored.
    /// </summary>
    public static Travel? ToTravel(this TravelRequest request, RequestErrors errors, TimeProvider clock)
    {
        var mode = request.Mode ?? TravelMode.Air;
        string? flight = null, from = null, to = null, reference = null, departurePlace = null, arrivalPlace = null;
        if (mode == TravelMode.Air)
        {
            flight = errors.Pattern("flightNumber", request.FlightNumber?.Trim(), FlightPattern(), "A flight number such as TK 345 or KC912.");
            from = errors.Airport("departureAirport", request.DepartureAirport);
            to = errors.Airport("arrivalAirport", request.ArrivalAirport);
            if (from is not null && from == to)
            {
                errors.Add("arrivalAirport", "Must differ from the departure airport.");
            }

            RefuseOtherMode(errors, "reference", request.Reference, mode);
            RefuseOtherMode(errors, "departurePlace", request.DeparturePlace, mode);
            RefuseOtherMode(errors, "arrivalPlace", request.ArrivalPlace, mode);
        }
        else
        {
            reference = errors.Text("reference", request.Reference, 20, required: false);
            departurePlace = errors.Pattern("departurePlace", request.DeparturePlace?.Trim(), PlacePattern(), PlaceExplanation);
            arrivalPlace = errors.Pattern("arrivalPlace", request.ArrivalPlace?.Trim(), PlacePattern(), PlaceExplanation);
            if (departurePlace is not null && departurePlace == arrivalPlace)
            {
                errors.Add("arrivalPlace", "Must differ from the departure place.");
            }

            RefuseOtherMode(errors, "flightNumber", request.FlightNumber, mode);
            RefuseOtherMode(errors, "departureAirport", request.DepartureAirport, mode);
            RefuseOtherMode(errors, "arrivalAirport", request.ArrivalAirport, mode);
        }

        var arrival = errors.Required("scheduledArrival", request.ScheduledArrival);
        if (arrival is { } at && Instants.RefuseScheduledArrival(at, clock.GetUtcNow()) is { } refusal)
        {
            errors.Add("scheduledArrival", refusal);
        }

        var escort = errors.Text("escort", request.Escort, 200);
        var document = errors.Text("travelDocument", request.TravelDocument, 200);
        return errors.Any
            ? null
            : new Travel(flight, from, to, arrival!.Value.ToUniversalTime(), escort!, document!, null, mode, reference, departurePlace, arrivalPlace);
    }

    public static DateTimeOffset? ToArrival(this DelayRequest request, RequestErrors errors, TimeProvider clock)
    {
        var arrival = errors.Required("scheduledArrival", request.ScheduledArrival);
        if (arrival is { } at && Instants.RefuseScheduledArrival(at, clock.GetUtcNow()) is { } refusal)
        {
            errors.Add("scheduledArrival", refusal);
        }

        return errors.Any ? null : arrival!.Value.ToUniversalTime();
    }

    private const string PlaceExplanation = "The code of a place of the directory (GET /api/places), e.g. ALMATY-2.";

    /// <summary>A field of another mode of travel is refused, so a client that mixes them up learns it.</summary>
    private static void RefuseOtherMode(RequestErrors errors, string field, string? value, TravelMode mode)
    {
        if (value is not null)
        {
            errors.Add(field, mode == TravelMode.Air
                ? "Only for a journey by road or rail (mode Road or Rail)."
                : $"Only for a flight; a journey by {mode.ToString().ToLowerInvariant()} names departurePlace and arrivalPlace.");
        }
    }

    /// <summary>The facts given (null: unchanged) and the reason; the case grain checks them against the case.</summary>
    public static CaseCorrection? ToCorrection(this CorrectionRequest request, RequestErrors errors)
    {
        var reason = errors.Text("reason", request.Reason, 1000);
        var homeRegion = errors.Text("homeRegion", request.HomeRegion, 100, required: false);
        if (request.HomeRegion is not null && homeRegion is null)
        {
            errors.Add("homeRegion", "A home region, not blank; leave it out to keep the case's.");
        }

        var needs = request.Needs is null ? null : errors.List("needs", request.Needs.Select(n => (object?)n).ToList(), 20, required: false).Cast<Need>().ToList();
        if (request.ExpectedVersion is < 1)
        {
            errors.Add("expectedVersion", "A positive version.");
        }

        return errors.Any ? null : new CaseCorrection(homeRegion, request.BirthYear, needs, reason!);
    }

    public static NewReintegrationPlan? ToPlan(this ReintegrationPlanRequest? request, RequestErrors errors)
    {
        if (request is null)
        {
            return null;
        }

        var services = errors.List("plan.services", request.Services?.Select(s => (object?)s).ToList(), 10, required: false).Cast<ReintegrationService>().ToList();
        var goals = errors.Text("plan.goals", request.Goals, 1000, required: false);
        var caseworker = errors.Text("plan.caseworker", request.Caseworker, 200, required: false);
        return new NewReintegrationPlan(services, goals, caseworker);
    }

    public static ManualReferral? ToReferral(this ReferralRequest request, RequestErrors errors)
    {
        var to = errors.Text("toAgencyId", request.ToAgencyId, 64);
        var services = errors.List("services", request.Services?.Select(s => (object?)s).ToList(), 10).Cast<AgencyService>().ToList();
        var note = errors.Text("note", request.Note, 1000, required: false);
        return errors.Any ? null : new ManualReferral(to!, services, note);
    }

    [GeneratedRegex(@"^[A-Z0-9]{5,20}\z")]
    private static partial Regex PassportPattern();

    [GeneratedRegex(@"^\+?[0-9][0-9 ()-]{4,24}\z")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[A-Z0-9]{2}[ ]?[0-9]{1,4}[A-Z]?\z")]
    private static partial Regex FlightPattern();

    [GeneratedRegex(@"^[A-Z0-9-]{3,32}\z")]
    private static partial Regex PlacePattern();
}
