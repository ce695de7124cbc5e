using System.Text;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;

namespace Coordination.Grains.Cases;

/// <summary>How an agency stands to a case. One agency may stand in several relations at once.</summary>
public enum CaseRelation
{
    /// <summary>
    /// The case's opening agency: the consular post of a return, which verifies it and books the
    /// journey home (also when another agency reported it), or the agency that opened an internal case.
    /// </summary>
    OpeningPost,

    /// <summary>An agency with an accepted referral that has the person in its care (received, sheltered, in rehabilitation or reintegration).</summary>
    HoldingReceiver,

    /// <summary>An agency with an accepted referral.</summary>
    AcceptedReceiver,

    /// <summary>An agency with a referral it has not answered yet.</summary>
    PendingReceiver,

    /// <summary>The agency that meets the flight home at the arrival airport.</summary>
    PickupAgency,

    /// <summary>
    /// The agency that reported a return to the person's consular post (a hotline, an NGO, the police):
    /// it met or spoke to the person, so it sees them and follows the case, and changes nothing.
    /// </summary>
    Reporter,
}

public enum CasePermission
{
    No,
    WithConsent,
    Yes,
}

/// <summary>Something an agency does to a case; the events endpoint is one action per event type.</summary>
public readonly record struct CaseAction(string Name)
{
    public static readonly CaseAction Read = new("read the case and its timeline");
    public static readonly CaseAction ReadPerson = new("see who the person is (name, passport, phone, guardian)");
    public static readonly CaseAction GiveConsent = new("record consent the person gives (or an override)");
    public static readonly CaseAction NarrowConsent = new("record consent the person withdraws");
    public static readonly CaseAction Refer = new("refer by hand");
    public static readonly CaseAction AnswerReferral = new("accept or decline its own referral");
    public static readonly CaseAction BookTravel = new("book travel");
    public static readonly CaseAction Correct = new("correct the case's facts (home region, birth year, needs)");
    public static readonly CaseAction RecordFollowUp = new("record a follow-up's outcome");

    public static CaseAction Record(CaseEventType type) => new($"record `{type}`");

    public override string ToString() => Name;
}

/// <summary>
/// The one rule of who may do what to a case, by the relation of the caller's agency to it. The
/// case grain applies it to every call; docs/security.md shows it as the table <see cref="RenderTable"/>
/// draws, and a test holds the two equal. An agency in no relation is not involved: it gets 404, as
/// if the case did not exist; an involved agency whose relations do not allow an action gets 403.
/// <para>
/// Consent is the person's, so only those who have met the person record it: the post that opened
/// the case, and a receiving agency that has the person in its care. Withdrawing it only narrows who
/// sees the person, so an agency that has accepted the person's referral may record that too. A
/// pending or pickup-only agency changes neither consent nor the course of the case. An agency that
/// has accepted the person may refer them onward, for other services, within their consent.
/// </para>
/// </summary>
public static class CaseAccess
{
    private const CasePermission Y = CasePermission.Yes;
    private const CasePermission C = CasePermission.WithConsent;
    private const CasePermission N = CasePermission.No;

    /// <summary>The statuses in which the person is in the care of the agency that accepted them.</summary>
    private static readonly CaseStatus[] InCare =
        [CaseStatus.ReceivedByAgency, CaseStatus.Sheltered, CaseStatus.Rehabilitation, CaseStatus.Reintegration];

    /// <summary>Columns of the rule, in the order of <see cref="CaseRelation"/>.</summary>
    public static IReadOnlyList<CaseRelation> Relations { get; } = Enum.GetValues<CaseRelation>();

    /// <summary>Every action with its permission per relation (OpeningPost, HoldingReceiver, AcceptedReceiver, PendingReceiver, PickupAgency, Reporter).</summary>
    public static IReadOnlyList<(CaseAction Action, IReadOnlyList<CasePermission> ByRelation)> Rules { get; } =
    [
        (CaseAction.Read, [Y, Y, Y, Y, Y, Y]),
        (CaseAction.ReadPerson, [Y, C, C, N, N, Y]),
        (CaseAction.Refer, [Y, Y, Y, N, N, N]),
        (CaseAction.AnswerReferral, [N, N, N, Y, N, N]),
        (CaseAction.BookTravel, [Y, N, N, N, N, N]),
        (CaseAction.Correct, [Y, Y, Y, N, N, N]),
        (CaseAction.RecordFollowUp, [N, Y, Y, N, N, N]),
        (CaseAction.Record(CaseEventType.Verified), [Y, N, N, N, N, N]),
        (CaseAction.Record(CaseEventType.DocumentsIssued), [Y, N, N, N, N, N]),
        (CaseAction.Record(CaseEventType.Departed), [Y, N, N, N, N, N]),
        (CaseAction.Record(CaseEventType.Arrived), [N, Y, Y, N, Y, N]),
        (CaseAction.Record(CaseEventType.ReceivedByAgency), [N, Y, Y, N, Y, N]),
        (CaseAction.Record(CaseEventType.Sheltered), [N, Y, Y, N, N, N]),
        (CaseAction.Record(CaseEventType.RehabilitationStarted), [N, Y, Y, N, N, N]),
        (CaseAction.Record(CaseEventType.ReintegrationStarted), [N, Y, Y, N, N, N]),
        (CaseAction.Record(CaseEventType.Closed), [Y, Y, Y, N, N, N]),
        (CaseAction.Record(CaseEventType.Withdrawn), [Y, Y, Y, N, N, N]),
        (CaseAction.Record(CaseEventType.Reopened), [Y, Y, Y, N, N, N]),
        (CaseAction.Record(CaseEventType.ConsentWithdrawn), [Y, Y, Y, N, N, N]),
        (CaseAction.Record(CaseEventType.ConsentGiven), [Y, Y, N, N, N, N]),
        (CaseAction.GiveConsent, [Y, Y, N, N, N, N]),
        (CaseAction.NarrowConsent, [Y, Y, Y, N, N, N]),
    ];

    private static readonly Dictionary<CaseAction, IReadOnlyList<CasePermission>> ByAction = Rules.ToDictionary(r => r.Action, r => r.ByRelation);

    /// <summary>The relations of <paramref name="agencyId"/> to the case; empty when it is not involved.</summary>
    public static IReadOnlySet<CaseRelation> RelationsOf(CaseView c, string agencyId)
    {
        var relations = new HashSet<CaseRelation>();
        if (agencyId == c.FlaggedByAgencyId)
        {
            relations.Add(CaseRelation.OpeningPost);
        }

        var referrals = c.Referrals.Where(r => r.ToAgencyId == agencyId).ToList();
        if (referrals.Any(r => r.Status == ReferralStatus.Accepted))
        {
            relations.Add(CaseRelation.AcceptedReceiver);
            if (InCare.Contains(c.Status))
            {
                relations.Add(CaseRelation.HoldingReceiver);
            }
        }

        if (referrals.Any(r => r.Status == ReferralStatus.Pending))
        {
            relations.Add(CaseRelation.PendingReceiver);
        }

        if (c.Travel?.PickupAgencyId == agencyId)
        {
            relations.Add(CaseRelation.PickupAgency);
        }

        if (c.ReportedByAgencyId == agencyId)
        {
            relations.Add(CaseRelation.Reporter);
        }

        return relations;
    }

    /// <summary>
    /// The agencies in some relation to the case (exactly those for which <see cref="RelationsOf"/> is
    /// not empty): they list the case and hear of its changes.
    /// </summary>
    public static IReadOnlyList<string> Involved(CaseView c) =>
        new[] { c.FlaggedByAgencyId }
            .Concat(c.Referrals.Where(r => r.Status is ReferralStatus.Pending or ReferralStatus.Accepted).Select(r => r.ToAgencyId))
            .Concat(c.Travel?.PickupAgencyId is { } pickup ? [pickup] : [])
            .Concat(c.ReportedByAgencyId is { } reporter ? [reporter] : [])
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>The most any of <paramref name="relations"/> allows for <paramref name="action"/>.</summary>
    public static CasePermission PermissionFor(CaseAction action, IReadOnlySet<CaseRelation> relations)
    {
        var row = ByAction.TryGetValue(action, out var r) ? r : throw new ArgumentException($"No rule for '{action}'.", nameof(action));
        return relations.Count == 0 ? CasePermission.No : relations.Max(relation => row[(int)relation]);
    }

    /// <summary>Whether the agency is involved in the case at all, and so may know it exists.</summary>
    public static bool CanSee(CaseView c, string agencyId) => RelationsOf(c, agencyId).Count > 0;

    /// <summary>Refuses <paramref name="action"/> to the caller's agency: 404 when it is not involved, 403 when its relations do not allow it.</summary>
    public static void Authorize(CaseView c, CaseAction action, Actor actor)
    {
        var relations = RelationsOf(c, actor.AgencyId);
        if (relations.Count == 0)
        {
            throw DomainException.NotFound($"Case {c.Id}");
        }

        if (PermissionFor(action, relations) == CasePermission.No)
        {
            throw DomainException.Forbidden($"Your agency's relation to case {c.Id} does not allow this: {action.Name}.");
        }
    }

    /// <summary>
    /// What the agency may do to the case now, each named by the event it records, in the order of
    /// <see cref="CaseEventType"/>: a referral by hand (<see cref="CaseEventType.Referred"/>) while the
    /// case is open, booking travel (<see cref="CaseEventType.TravelBooked"/>) while the status allows
    /// it, a correction (<see cref="CaseEventType.Corrected"/>), recording consent anew
    /// (<see cref="CaseEventType.ConsentChanged"/>: narrowing at least; widening is checked on the answer), and every event of the events endpoint
    /// that the case's state allows and that would change something (<see cref="CaseLifecycle.Changes"/>)
    /// — each only when this rule allows it to the agency's relations. The case view offers exactly these.
    /// </summary>
    public static IReadOnlyList<CaseEventType> AllowedActions(CaseView c, string agencyId)
    {
        var relations = RelationsOf(c, agencyId);
        bool May(CaseAction action) => PermissionFor(action, relations) != CasePermission.No;
        return Enum.GetValues<CaseEventType>()
            .Where(type => type switch
            {
                CaseEventType.Referred => May(CaseAction.Refer) && CaseLifecycle.IsOpen(c.Status),
                CaseEventType.TravelBooked => May(CaseAction.BookTravel) && c.Route == CaseRoute.Return && CaseLifecycle.TravelBookable.Contains(c.Status),
                CaseEventType.TravelDelayed => May(CaseAction.BookTravel) && c.Travel is not null && CaseLifecycle.Travelling.Contains(c.Status),
                CaseEventType.Corrected => May(CaseAction.Correct),
                CaseEventType.ConsentChanged => May(CaseAction.NarrowConsent),
                _ => CaseLifecycle.IsRecordable(type) && May(CaseAction.Record(type)) && CaseLifecycle.Changes(c, type),
            })
            .ToList();
    }

    /// <summary>
    /// Whether the agency may see who the person is. The case is pseudonymous until an agency has
    /// accepted it: a pending receiver or a pickup agency sees sex, age, needs, situation, region and
    /// urgency only; an accepted receiver sees the person with their data-sharing consent.
    /// </summary>
    public static bool SeesPerson(CaseView c, string agencyId) =>
        PermissionFor(CaseAction.ReadPerson, RelationsOf(c, agencyId)) switch
        {
            CasePermission.Yes => true,
            CasePermission.WithConsent => c.Consent.DataSharing,
            _ => false,
        };

    /// <summary>The rule as the Markdown table of docs/security.md.</summary>
    public static string RenderTable()
    {
        var table = new StringBuilder();
        table.Append("| action |");
        foreach (var relation in Relations)
        {
            table.Append($" {Column(relation)} |");
        }

        table.Append('\n').Append("| --- |").Append(string.Concat(Relations.Select(_ => " --- |"))).Append('\n');
        foreach (var (action, byRelation) in Rules)
        {
            table.Append($"| {action.Name} |");
            foreach (var permission in byRelation)
            {
                table.Append(permission switch
                {
                    CasePermission.Yes => " yes |",
                    CasePermission.WithConsent => " with data-sharing consent |",
                    _ => " — |",
                });
            }

            table.Append('\n');
        }

        return table.ToString();
    }

    private static string Column(CaseRelation relation) => relation switch
    {
        CaseRelation.OpeningPost => "opening post (agency)",
        CaseRelation.HoldingReceiver => "receiver holding the person",
        CaseRelation.AcceptedReceiver => "accepted receiver",
        CaseRelation.PendingReceiver => "pending receiver",
        CaseRelation.PickupAgency => "pickup agency",
        _ => "reporter",
    };
}
