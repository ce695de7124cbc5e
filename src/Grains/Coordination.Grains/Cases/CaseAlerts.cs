using System.Globalization;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;

namespace Coordination.Grains.Cases;

/// <summary>
/// The feed items a case produces. They name the case by its pseudonymous id and carry only what
/// the receiving side needs to act (sex, age, needs, flight) — never name, passport or phone.
/// </summary>
public static class CaseAlerts
{
    public static Dictionary<string, string> Profile(CaseView c)
    {
        var age = c.FlaggedAt.Year - (c.Person?.BirthYear ?? c.FlaggedAt.Year);
        return new Dictionary<string, string>
        {
            ["caseId"] = c.Id,
            ["citizenship"] = c.Citizenship,
            ["homeRegion"] = c.HomeRegion,
            ["sex"] = c.Person?.Sex.ToString() ?? "X",
            ["age"] = age.ToString(CultureInfo.InvariantCulture),
            ["minor"] = c.Minor ? "true" : "false",
            ["situation"] = c.Situation.ToString(),
            ["currentCountry"] = c.CurrentCountry,
            ["exploitationType"] = c.ExploitationType.ToString(),
            ["exploitation"] = string.Join(",", c.Exploitation ?? []),
            ["needs"] = string.Join(",", c.Needs),
            ["urgency"] = c.Urgency.ToString(),
            ["flaggedBy"] = c.FlaggedByAgencyId,
        };
    }

    private static string Who(CaseView c) =>
        $"{c.Person?.Sex.ToString() ?? "X"}, {(c.Minor ? "minor, " : string.Empty)}age {c.FlaggedAt.Year - (c.Person?.BirthYear ?? c.FlaggedAt.Year)}";

    public static NewFeedItem ReferralReceived(CaseView c, Referral referral, string causedBy)
    {
        var data = Profile(c);
        data["referralId"] = referral.Id;
        data["services"] = string.Join(",", referral.Services);
        if (referral.AnswerBy is { } answerBy)
        {
            data["answerBy"] = answerBy.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);
        }

        if (referral.Note is not null)
        {
            data["note"] = referral.Note;
        }

        return new NewFeedItem(referral.ToAgencyId, ReferralKey(c.Id, referral.Id), FeedItemType.ReferralReceived, FeedItemKind.Alert,
            c.Id, null, null,
            $"Referral {c.Id}: {Who(c)}, {c.Situation} in {c.CurrentCountry}; needs {Services(referral.Services)}",
            c.Urgency, RequiresAck: true, causedBy, data);
    }

    public static NewFeedItem NoReceivingAgency(CaseView c, string reason, string dedupe)
    {
        var data = Profile(c);
        data["reason"] = reason;
        return new NewFeedItem(c.FlaggedByAgencyId, NoReceiverKeys(c.Id) + dedupe, FeedItemType.NoReceivingAgency, FeedItemKind.Alert,
            c.Id, null, null, $"No receiving agency for {c.Id}: {reason}", c.Urgency, RequiresAck: true, null, data);
    }

    public static NewFeedItem ReferralAnswered(CaseView c, Referral referral, Agency? by)
    {
        var data = Profile(c);
        data["referralId"] = referral.Id;
        data["toAgencyId"] = referral.ToAgencyId;
        var accepted = referral.Status == ReferralStatus.Accepted;
        if (referral.Reason is not null)
        {
            data["reason"] = referral.Reason;
        }

        var name = by?.Name ?? referral.ToAgencyId;
        return new NewFeedItem(c.FlaggedByAgencyId, $"referral-{(accepted ? "accepted" : "declined")}:{c.Id}:{referral.Id}",
            accepted ? FeedItemType.ReferralAccepted : FeedItemType.ReferralDeclined,
            accepted ? FeedItemKind.Info : FeedItemKind.Alert,
            c.Id, null, null,
            accepted ? $"{name} accepted the referral of {c.Id}" : $"{name} declined the referral of {c.Id}: {referral.Reason}",
            c.Urgency, RequiresAck: false, null, data);
    }

    /// <summary>
    /// The pickup request to the agency meeting the journey: the arrival in the arrival place's time
    /// zone (the agency's for an airport without an entry), and checkpoints 24 and 2 hours before it.
    /// <paramref name="movedFrom"/>: the arrival a delay moved, which makes it a PickupUpdated.
    /// </summary>
    public static NewFeedItem PickupRequested(CaseView c, Journey journey, Agency pickup, int version, DateTimeOffset? movedFrom = null)
    {
        var travel = journey.Travel;
        var timeZone = journey.ArrivalTimeZone(pickup);
        var local = TimeZoneInfo.ConvertTime(travel.ScheduledArrival, TimeZoneInfo.FindSystemTimeZoneById(timeZone));
        var data = Profile(c);
        journey.AddTo(data);
        data["scheduledArrival"] = travel.ScheduledArrival.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);
        data["scheduledArrivalLocal"] = local.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        data["timeZone"] = timeZone;
        data["escort"] = travel.Escort;
        if (movedFrom is { } previous)
        {
            data["previousScheduledArrival"] = previous.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);
        }

        var what = travel.Mode == TravelMode.Air
            ? $"flight {travel.FlightNumber} from {travel.DepartureAirport} arrives {travel.ArrivalAirport}"
            : $"{data["mode"]}{(travel.Reference is null ? string.Empty : $" {travel.Reference}")} from {data["departurePlaceName"]} arrives {data["arrivalPlaceName"]}";
        return new NewFeedItem(pickup.Id, PickupKeys(c.Id) + $"v{version}", movedFrom is null ? FeedItemType.PickupRequested : FeedItemType.PickupUpdated,
            FeedItemKind.Task, c.Id, null, null,
            $"Pickup {c.Id}{(movedFrom is null ? string.Empty : " moved")}: {what} {Journey.LocalArrival(local)} ({timeZone}); {Who(c)}",
            c.Urgency, RequiresAck: true, c.FlaggedByAgencyId, data,
            Checkpoints: [travel.ScheduledArrival - TimeSpan.FromHours(24), travel.ScheduledArrival - TimeSpan.FromHours(2)]);
    }

    public static NewFeedItem CaseUpdated(CaseView c, CaseEvent e, string agencyId)
    {
        var data = new Dictionary<string, string>
        {
            ["caseId"] = c.Id,
            ["event"] = e.Type.ToString(),
            ["status"] = c.Status.ToString(),
            ["version"] = c.Version.ToString(CultureInfo.InvariantCulture),
            ["byAgencyId"] = e.AgencyId,
        };
        return new NewFeedItem(agencyId, $"case-updated:{c.Id}:{e.Seq}", FeedItemType.CaseUpdated, FeedItemKind.Info,
            c.Id, null, null, $"{c.Id}: {e.Type} (now {c.Status})", c.Urgency, RequiresAck: false, e.AgencyId, data);
    }

    /// <summary>
    /// A follow-up fallen due, for the agency that planned the reintegration: a task that escalates like
    /// any alert when nobody acknowledges it, and is settled when the follow-up is recorded.
    /// </summary>
    public static NewFeedItem FollowUpDue(CaseView c, FollowUp followUp)
    {
        var data = new Dictionary<string, string>
        {
            ["caseId"] = c.Id,
            ["followUp"] = followUp.Number.ToString(CultureInfo.InvariantCulture),
            ["dueAt"] = followUp.DueAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture),
            ["deadline"] = followUp.Deadline.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture),
        };
        return new NewFeedItem(followUp.AgencyId, FollowUpKey(c.Id, followUp.Number), FeedItemType.FollowUpDue, FeedItemKind.Task,
            c.Id, null, null, $"Follow-up {followUp.Number} of {c.Id} is due: record how the returnee is doing",
            Urgency.Routine, RequiresAck: true, null, data);
    }

    /// <summary>
    /// A person the agency assisted in <paramref name="earlier"/> is in a new case: the two case ids and
    /// nothing else, not even the new case's country or urgency. Caused by no agency, so that its
    /// escalation goes to the recipient alone and the new case's agencies never hear of the earlier one.
    /// </summary>
    public static NewFeedItem PossibleReTrafficking(CaseView flagged, string earlierCaseId, string agencyId)
    {
        var data = new Dictionary<string, string>
        {
            ["caseId"] = earlierCaseId,
            ["earlierCaseId"] = earlierCaseId,
            ["newCaseId"] = flagged.Id,
        };
        return new NewFeedItem(agencyId, $"possible-retrafficking:{flagged.Id}:{earlierCaseId}", FeedItemType.PossibleReTrafficking, FeedItemKind.Alert,
            earlierCaseId, null, null, $"Possible re-trafficking: the person your agency assisted in {earlierCaseId} is in a new case, {flagged.Id}",
            Urgency.Urgent, RequiresAck: true, null, data);
    }

    /// <summary>
    /// A return another agency reported to the person's consular post, which now holds the case: it
    /// verifies it. Caused by the reporter, which hears of it should the post not acknowledge in time.
    /// </summary>
    public static NewFeedItem CaseReported(CaseView c, Agency? reporter)
    {
        var data = Profile(c);
        data["reportedByAgencyId"] = c.ReportedByAgencyId!;
        data["identifiedBy"] = c.IdentifiedBy?.ToString() ?? string.Empty;
        var name = reporter?.Name ?? c.ReportedByAgencyId;
        return new NewFeedItem(c.FlaggedByAgencyId, ReportedKey(c.Id), FeedItemType.CaseReported, FeedItemKind.Alert,
            c.Id, null, null,
            $"Case {c.Id} reported by {name}: {Who(c)}, {c.Situation} in {c.CurrentCountry}; verify it",
            c.Urgency, RequiresAck: true, c.ReportedByAgencyId, data);
    }

    /// <summary>Settles the post's CaseReported alert once it has verified or ended the case.</summary>
    public static FeedSettlement SettlesReported(string caseId, string agencyId, string by) => new(agencyId, ReportedKey(caseId), by);

    /// <summary>Settles the FollowUpDue item of one follow-up, once it is recorded.</summary>
    public static FeedSettlement SettlesFollowUp(string caseId, FollowUp followUp, string by) =>
        new(followUp.AgencyId, FollowUpKey(caseId, followUp.Number), by);

    /// <summary>What a routing tells: the referral to the agency it chose, or the flagging post that nobody matches.</summary>
    public static NewFeedItem Routed(Routing routing) => routing.Referral is { } referral
        ? ReferralReceived(routing.Case, referral, routing.Case.FlaggedByAgencyId)
        : NoReceivingAgency(routing.Case, routing.NoMatchReason!, $"v{routing.Case.Version}");

    /// <summary>
    /// What a booked journey tells: the pickup request to the agency that meets it (or the flagging
    /// post that nobody does), the news to every other involved agency, and the pickup request of a
    /// previous booking settled.
    /// </summary>
    public static (IReadOnlyList<NewFeedItem> Feed, FeedSettlement[] Settled) TravelBooked(
        CaseView before, CaseView booked, CaseEvent e, Journey journey, Agency? pickup, Actor actor)
    {
        var request = pickup is not null
            ? PickupRequested(booked, journey, pickup, booked.Version)
            : NoReceivingAgency(booked, $"no agency meets arrivals at {journey.Travel.ArrivalPoint}", $"pickup-v{booked.Version}");
        var superseded = before.Travel?.PickupAgencyId is { } previous ? new[] { SettlesPickups(before.Id, previous, actor.Username) } : [];
        return ([request, .. UpdatesFor(booked, e, exclude: [actor.AgencyId, .. pickup is null ? Array.Empty<string>() : [pickup.Id]])], superseded);
    }

    /// <summary>
    /// Nobody recorded the arrival of a journey (nor a delay) by its scheduled arrival plus the grace:
    /// a Critical alert to each agency concerned, once per scheduled arrival (its key names it), caused
    /// by no agency so that its escalation stays with the recipient. Settled once the arrival is recorded.
    /// </summary>
    public static NewFeedItem ArrivalNotConfirmed(CaseView c, Journey journey, string agencyId, string timeZone)
    {
        var travel = journey.Travel;
        var local = TimeZoneInfo.ConvertTime(travel.ScheduledArrival, TimeZoneInfo.FindSystemTimeZoneById(timeZone));
        var data = new Dictionary<string, string>
        {
            ["caseId"] = c.Id,
            ["scheduledArrival"] = travel.ScheduledArrival.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture),
            ["timeZone"] = timeZone,
        };
        journey.AddTo(data);
        return new NewFeedItem(agencyId, ArrivalWatchKeys(c.Id) + travel.ScheduledArrival.UtcTicks.ToString(CultureInfo.InvariantCulture),
            FeedItemType.ArrivalNotConfirmed, FeedItemKind.Alert, c.Id, null, null,
            $"Arrival of {c.Id} not confirmed: {journey.Describe()} was due {Journey.LocalArrival(local)} ({timeZone}); record the arrival or a delay",
            Urgency.Critical, RequiresAck: true, null, data);
    }

    /// <summary>Settles every ArrivalNotConfirmed alert of the case at one agency.</summary>
    public static FeedSettlement SettlesArrivalWatch(string caseId, string agencyId, string by) => new(agencyId, ArrivalWatchKeys(caseId), by);

    /// <summary>
    /// What a delay tells: the pickup agency a PickupUpdated with the new arrival and checkpoints that
    /// replaces its earlier pickup items (settled, so they no longer escalate at the old times), and
    /// every other involved agency the news.
    /// </summary>
    public static (IReadOnlyList<NewFeedItem> Feed, FeedSettlement[] Settled) TravelDelayed(
        CaseView delayed, CaseEvent e, Journey journey, Agency? pickup, DateTimeOffset previous, Actor actor)
    {
        var updates = UpdatesFor(delayed, e, exclude: [actor.AgencyId, .. pickup is null ? Array.Empty<string>() : [pickup.Id]]).ToList();
        if (pickup is null)
        {
            return (updates, ArrivalWatchSettled(delayed, actor.Username));
        }

        return ([PickupRequested(delayed, journey, pickup, delayed.Version, previous), .. updates],
            [SettlesPickups(delayed.Id, pickup.Id, actor.Username), .. ArrivalWatchSettled(delayed, actor.Username)]);
    }

    /// <summary>The news of an event for every involved agency but <paramref name="exclude"/> (who did it, or heard of it otherwise).</summary>
    public static IEnumerable<NewFeedItem> UpdatesFor(CaseView c, CaseEvent e, IReadOnlyCollection<string> exclude) =>
        CaseAccess.Involved(c).Where(a => !exclude.Contains(a)).Select(a => CaseUpdated(c, e, a));

    /// <summary>The ArrivalNotConfirmed alerts of the case, settled at every agency the watch tells.</summary>
    private static FeedSettlement[] ArrivalWatchSettled(CaseView c, string by) =>
        [.. CaseArrivalWatch.Recipients(c).Select(a => SettlesArrivalWatch(c.Id, a, by))];

    /// <summary>Open alerts an event makes moot: a person met at the airport needs no pickup reminder nor arrival alert, a withdrawn case no referral.</summary>
    public static FeedSettlement[] SettledBy(CaseView c, CaseEventType type, string by)
    {
        var pickups = c.Travel?.PickupAgencyId is { } pickup ? new[] { SettlesPickups(c.Id, pickup, by) } : [];
        if (c.Travel is not null && type is CaseEventType.Arrived or CaseEventType.ReceivedByAgency or CaseEventType.Withdrawn)
        {
            pickups = [.. pickups, .. ArrivalWatchSettled(c, by)];
        }

        return type switch
        {
            CaseEventType.Arrived or CaseEventType.ReceivedByAgency => pickups,
            CaseEventType.Verified when c.ReportedByAgencyId is not null => [SettlesReported(c.Id, c.FlaggedByAgencyId, by)],
            CaseEventType.Withdrawn or CaseEventType.Closed =>
            [
                .. pickups,
                .. c.ReportedByAgencyId is null ? Array.Empty<FeedSettlement>() : [SettlesReported(c.Id, c.FlaggedByAgencyId, by)],
                .. c.Referrals.Select(r => SettlesReferrals(c.Id, r.ToAgencyId, by)).DistinctBy(r => r.AgencyId),
                SettlesNoReceiver(c.Id, c.FlaggedByAgencyId, by),
            ],
            _ => [],
        };
    }

    /// <summary>Settles the alert of one referral at the agency it was made to.</summary>
    public static FeedSettlement SettlesReferral(string caseId, string referralId, string agencyId, string by) =>
        new(agencyId, ReferralKey(caseId, referralId), by);

    /// <summary>Settles every referral alert of the case at one agency.</summary>
    public static FeedSettlement SettlesReferrals(string caseId, string agencyId, string by) => new(agencyId, ReferralKeys(caseId), by);

    /// <summary>Settles every pickup request of the case at one agency.</summary>
    public static FeedSettlement SettlesPickups(string caseId, string agencyId, string by) => new(agencyId, PickupKeys(caseId), by);

    /// <summary>Settles every "no receiving agency" alert of the case at the flagging post.</summary>
    public static FeedSettlement SettlesNoReceiver(string caseId, string agencyId, string by) => new(agencyId, NoReceiverKeys(caseId), by);

    private static string ReferralKeys(string caseId) => $"referral:{caseId}:";

    private static string ReferralKey(string caseId, string referralId) => ReferralKeys(caseId) + referralId;

    private static string PickupKeys(string caseId) => $"pickup:{caseId}:";

    private static string ArrivalWatchKeys(string caseId) => $"arrival-not-confirmed:{caseId}:";

    private static string FollowUpKey(string caseId, int number) => $"follow-up:{caseId}:{number.ToString(CultureInfo.InvariantCulture)}";

    private static string NoReceiverKeys(string caseId) => $"no-receiver:{caseId}:";

    private static string ReportedKey(string caseId) => $"reported:{caseId}";

    private static string Services(IReadOnlyList<AgencyService> services) =>
        services.Count == 0 ? "assistance" : string.Join(", ", services);
}
