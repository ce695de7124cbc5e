using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Feeds;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Grains.Cases;

/// <summary>
/// One case: the only writer of its row. Each command is checked against who may do it
/// (<see cref="CaseAccess"/>) and what the case's status allows (<see cref="CaseLifecycle"/>), routed
/// (<see cref="ReferralRouter"/>), and commits together with its timeline events and the feed items
/// it causes (<see cref="CaseAlerts"/>, <see cref="StoredCase"/>).
/// </summary>
public sealed partial class CaseGrain(
    NpgsqlDataSource db,
    SiloWrites writes,
    CaseStateCodec codec,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    IOptions<FollowUpOptions> followUpOptions,
    IOptions<AckOptions> ackOptions,
    IOptions<ArrivalOptions> arrivalOptions,
    IOptions<ReferralOptions> referralOptions,
    IGrainFactory grains,
    ILogger<CaseGrain> logger) : Grain, ICaseGrain, IIncomingGrainCallFilter
{
    private readonly StoredCase _stored = new(writes, codec, grains, logger);

    private string CaseId => this.GetPrimaryKeyString();

    private IAgencyDirectoryGrain Directory => GrainFactory.GetGrain<IAgencyDirectoryGrain>(0);

    /// <summary>
    /// Loads the case before any call but <see cref="Flag"/>. A flag activates the grain of a case
    /// number the intake has just drawn from a sequence, so loading would only ever find nothing:
    /// it writes with an INSERT instead, which the row's primary key refuses should the case exist
    /// after all. This saves a flag one round trip to PostgreSQL.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name != nameof(ICaseGrain.Flag))
        {
            await _stored.LoadIfStaleAsync(CaseId);
        }

        await context.Invoke();
    }

    public async Task<FlagResult> Flag(FlagCase command, Actor actor, string? idempotencyKey, string? requestHash, IReadOnlyList<EarlierCase> earlier, CaseOpening opening)
    {
        if (_stored.Case is not null)
        {
            throw DomainException.Conflict($"Case {CaseId} already exists.");
        }

        var now = clock.GetUtcNow();
        var events = Events(CaseEventType.Flagged, actor, now, null);
        var feed = new List<NewFeedItem>();
        var opened = CaseLifecycle.Flagged(CaseId, command with { Consent = CaseConsent.Recorded(command.Consent, actor, now) }, opening, now);
        if (opening.ReporterAgencyId is { } reporter)
        {
            feed.Add(CaseAlerts.CaseReported(opened, await Directory.Get(reporter)));
        }

        var routed = await RouteAsync(opened, actor, events, feed, now, excluded: new HashSet<string>());
        var signals = ReTraffickingSignal.For(routed, earlier);
        feed.AddRange(signals);

        var audit = new CaseAudit(actor, "case.flag", CaseViews.FieldsOf(command.Person));
        var outcome = await SaveAsync(routed, events, feed, now, audit: audit, idempotency: FlagIdempotency.Claim(actor, idempotencyKey, requestHash));
        if (outcome == SaveOutcome.IdempotencyKeyTaken)
        {
            // A concurrent retry with the same key won the race; this id stays unused.
            DeactivateOnIdle();
            return await FlagIdempotency.ReplayWinnerAsync(db, GrainFactory, actor, idempotencyKey!, requestHash);
        }

        logger.LogInformation("Case {CaseId} flagged by {AgencyId} ({Urgency}, {Route}, identified by {IdentifiedBy}), held by {OpeningAgencyId}, status {Status}",
            CaseId, actor.AgencyId, routed.Urgency, routed.Route, routed.IdentifiedBy, routed.FlaggedByAgencyId, routed.Status);
        if (signals.Count > 0)
        {
            // The earlier cases stay out of the log: it names only how many agencies were told.
            logger.LogInformation("Case {CaseId}: possible re-trafficking signalled to {Agencies} agencies", CaseId, signals.Count);
        }

        return new FlagResult(_stored.Case!, Created: true);
    }

    public async Task<CaseView?> Get(Actor viewer)
    {
        if (_stored.Case is not { } c || !CaseAccess.CanSee(c, viewer.AgencyId))
        {
            return null;
        }

        var visible = CaseViews.ForViewer(c, viewer.AgencyId) with { AllowedActions = CaseAccess.AllowedActions(c, viewer.AgencyId) };
        if (visible.Person is null)
        {
            return visible;
        }

        try
        {
            await CaseStore.AuditReadAsync(db, viewer, [CaseId], "case.read", CaseViews.PersonalFields);
            return visible;
        }
        catch (NpgsqlException)
        {
            // The database is down: serve the live state, but personal data is only ever shown
            // when the read can be audited.
            logger.LogWarning("Case {CaseId} served without personal data: the read could not be audited", CaseId);
            return CaseViews.Pseudonymous(visible);
        }
    }

    public async Task<IReadOnlyList<CaseEvent>> Timeline(Actor viewer)
    {
        Require(CaseAction.Read, viewer);
        return await CaseStore.TimelineAsync(db, CaseId);
    }

    public async Task<CaseView> Refer(ManualReferral referral, Actor actor)
    {
        var current = Require(CaseAction.Refer, actor);
        CaseLifecycle.RequireReferable(current, referral.Services);
        CaseConsent.RequireReferralAllowed(current);
        CaseViews.RefuseIdentifying(current, actor, "note", referral.Note);
        var target = ReferralRouter.ManualTarget(current, referral.ToAgencyId, await Directory.Get(referral.ToAgencyId));

        var now = clock.GetUtcNow();
        var created = new Referral(CaseLifecycle.NextReferralId(current), target.Id, referral.Services, ReferralStatus.Pending, null, now, referral.Note,
            AnswerBy(current, now), actor.AgencyId);
        var next = CaseLifecycle.Referred(current, created, now);
        var settled = new[] { CaseAlerts.SettlesNoReceiver(CaseId, current.FlaggedByAgencyId, actor.Username) };
        var events = Events(CaseEventType.Referred, actor, now, $"to {target.Id}");
        var feed = new List<NewFeedItem> { CaseAlerts.ReferralReceived(next, created, actor.AgencyId) };
        if (actor.AgencyId != current.FlaggedByAgencyId)
        {
            // An onward referral by an agency that accepted the person: the opening agency hears of it.
            feed.Add(CaseAlerts.CaseUpdated(next, events[0], current.FlaggedByAgencyId));
        }

        await SaveAsync(next, events, feed, now, settled);
        logger.LogInformation("Case {CaseId} referred by hand to {AgencyId} by {ByAgencyId}", CaseId, target.Id, actor.AgencyId);
        return CaseViews.ForCommand(_stored.Case!);
    }

    public async Task<CaseView> AnswerReferral(string referralId, bool accept, string? reason, Actor actor)
    {
        // The agency a referral was made to may answer it — and repeat its answer — even after a
        // decline has taken the case out of its sight.
        var current = _stored.Case ?? throw DomainException.NotFound($"Case {CaseId}");
        if (CaseLifecycle.ReferralToAnswer(current, referralId, actor.AgencyId, accept) is not { } referral)
        {
            return CaseViews.ForCommand(current);
        }

        CaseAccess.Authorize(current, CaseAction.AnswerReferral, actor);
        CaseViews.RefuseIdentifying(current, actor, "reason", reason);

        var now = clock.GetUtcNow();
        var answered = CaseLifecycle.Answer(referral, accept, reason, now);
        var next = CaseLifecycle.Answered(current, answered, now);
        var events = Events(accept ? CaseEventType.ReferralAccepted : CaseEventType.ReferralDeclined, actor, now, accept ? null : reason);
        var feed = new List<NewFeedItem> { CaseAlerts.ReferralAnswered(next, answered, await Directory.Get(actor.AgencyId)) };
        if (!accept && CaseLifecycle.IsOpen(current.Status))
        {
            next = await RouteAsync(next, actor, events, feed, now, ReferralExpiry.NotToOffer(next));
        }

        // Answering is acting on the alert: it stops escalating.
        var settled = new[] { CaseAlerts.SettlesReferral(CaseId, referralId, actor.AgencyId, actor.Username) };
        await SaveAsync(next, events, feed, now, settled);
        logger.LogInformation("Referral {ReferralId} of case {CaseId} {Answer} by {AgencyId}", referralId, CaseId, answered.Status, actor.AgencyId);
        return CaseViews.ForCommand(_stored.Case!);
    }

    public async Task<CaseView> RecordEvent(
        CaseEventType type, string? note, int? expectedVersion, Actor actor, ClosureReason? reason = null, NewReintegrationPlan? plan = null)
    {
        CaseLifecycle.RequireRecordable(type);
        CaseLifecycle.RequireReason(type, reason, note);
        CaseFollowUps.RequirePlan(type, plan);

        // Who may comes before what the case's state allows: a refused caller learns nothing of it.
        var current = Require(CaseAction.Record(type), actor);
        CaseViews.RefuseIdentifying(current, actor, "note", note);
        CaseViews.RefuseIdentifying(current, actor, "plan.goals", plan?.Goals);
        CaseViews.RefuseIdentifying(current, actor, "plan.caseworker", plan?.Caseworker);
        if (expectedVersion is { } expected && expected != current.Version)
        {
            throw DomainException.Conflict($"Case {CaseId} is at version {current.Version}, not {expected}.");
        }

        var now = clock.GetUtcNow();
        var next = CaseLifecycle.Recorded(current, type, now, reason, note);
        if (CaseLifecycle.IsConsentChange(type))
        {
            CaseConsent.Require(next.Consent, next.Minor);
            next = next with { Consent = CaseConsent.Recorded(next.Consent, actor, now) };
        }

        if (type == CaseEventType.ReintegrationStarted)
        {
            next = CaseFollowUps.Planned(next, plan, actor.AgencyId, now, await FollowUpTimesAsync(actor.AgencyId, now), ackOptions.Value.DeadlineFor(Urgency.Routine));
        }

        var events = Events(type, actor, now, note, reason);
        var feed = new List<NewFeedItem>();
        if (type == CaseEventType.Reopened || IsReferralNowAllowed(current, next))
        {
            next = await RouteAsync(next, actor, events, feed, now, excluded: new HashSet<string>());
        }

        feed.AddRange(CaseAlerts.UpdatesFor(next, events[0], exclude: [actor.AgencyId]));
        var audit = CaseLifecycle.IsConsentChange(type)
            ? new CaseAudit(actor, type == CaseEventType.ConsentGiven ? "case.consent.given" : "case.consent.withdrawn", ["consent"])
            : null;
        await SaveAsync(next, events, feed, now, CaseAlerts.SettledBy(current, type, actor.Username), audit);
        logger.LogInformation("Case {CaseId}: {Event}, now {Status} {ClosureReason}", CaseId, type, next.Status, reason);
        return CaseViews.ForCommand(_stored.Case!);
    }

    /// <summary>The case, when the caller's agency may do <paramref name="action"/> to it: 404 when it is not involved, 403 when its relation does not allow it.</summary>
    private CaseView Require(CaseAction action, Actor actor)
    {
        var c = _stored.Case ?? throw DomainException.NotFound($"Case {CaseId}");
        CaseAccess.Authorize(c, action, actor);
        return c;
    }

    /// <summary>The events of a change, starting with the caller's: numbered on from the case's last.</summary>
    private List<CaseEvent> Events(
        CaseEventType type, Actor actor, DateTimeOffset now, string? note, ClosureReason? reason = null, IReadOnlyList<string>? fields = null,
        int? followUp = null, FollowUpOutcome? outcome = null) =>
        [new(_stored.LastEventSeq + 1, type, now, actor.AgencyId, actor.Username, note, reason, fields, followUp, outcome)];

    /// <summary>
    /// Routes the case (<see cref="ReferralRouter.Refer"/>), recording the outcome in the change's events
    /// and feed. Without referral consent or an override the case is not referred: it stays with its
    /// opening agency, and the timeline says why.
    /// </summary>
    private async Task<CaseView> RouteAsync(
        CaseView c, Actor actor, List<CaseEvent> events, List<NewFeedItem> feed, DateTimeOffset now, IReadOnlySet<string> excluded)
    {
        if (!CaseConsent.AllowsReferral(c.Consent))
        {
            events.Add(new CaseEvent(_stored.LastEventSeq + events.Count + 1, CaseEventType.ReferralWithheld, now, actor.AgencyId, "system",
                $"no referral consent and no override: the case stays with {c.FlaggedByAgencyId}"));
            return c;
        }
        var routing = ReferralRouter.Refer(c, await Directory.List(), excluded, now, AnswerBy(c, now));
        events.Add(new CaseEvent(_stored.LastEventSeq + events.Count + 1, routing.Event, now, actor.AgencyId, "system", routing.Note));
        feed.Add(CaseAlerts.Routed(routing));
        if (routing.Referral is { } referral)
        {
            logger.LogInformation("Case {CaseId} referred to {AgencyId}", c.Id, referral.ToAgencyId);
        }

        return routing.Case;
    }

    /// <summary>When a referral of <paramref name="c"/> made now expires unless answered: the answer time of the case's urgency.</summary>
    private DateTimeOffset AnswerBy(CaseView c, DateTimeOffset now) => now + referralOptions.Value.AnswerWithin.For(c.Urgency);

    /// <summary>Commits the change from the case held (a new case when none is), then hands the feed entries it put in the outbox to the feeds.</summary>
    private async Task<SaveOutcome> SaveAsync(
        CaseView next, List<CaseEvent> events, IReadOnlyList<NewFeedItem> feed, DateTimeOffset now, IReadOnlyList<FeedSettlement>? settlements = null,
        CaseAudit? audit = null, (string AgencyId, string Key, string Hash)? idempotency = null)
    {
        var change = new CaseChange(next, _stored.Case?.Version, events, feed, CaseAccess.Involved(next), idempotency, settlements, audit);
        var (outcome, deliveries) = await _stored.SaveAsync(change, now);
        await GrainFactory.DeliverAsync(deliveries, logger);
        return outcome;
    }
}
