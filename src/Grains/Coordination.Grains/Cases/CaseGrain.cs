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
/// One case: its live state, lifecycle rules and timeline. The only writer of its row; every
/// change commits together with its timeline events and the feed items it causes.
/// </summary>
public sealed class CaseGrain(
    NpgsqlDataSource db,
    CaseStateCodec codec,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    IOptions<AckOptions> ackOptions,
    ILogger<CaseGrain> logger) : Grain, ICaseGrain, IIncomingGrainCallFilter
{
    /// <summary>The fields of <see cref="Person"/> a read of the case shows.</summary>
    public static readonly string[] PersonalFields = ["fullName", "birthYear", "sex", "passportNumber", "phone"];

    /// <summary>What an erasure removes; the rest of the person stays for statistics.</summary>
    private static readonly string[] IdentifyingFields = ["fullName", "passportNumber", "phone"];

    private const string NoPersonalDataInText = "Must not name the person or carry their passport or phone number: refer to them by the case id.";

    private CaseView? _case;
    private int _lastEventSeq;
    private bool _loaded;

    private string CaseId => this.GetPrimaryKeyString();

    /// <summary>
    /// Loads the case before any call but <see cref="Flag"/>. A flag activates the grain of a case
    /// number the intake has just drawn from a sequence, so loading would only ever find nothing:
    /// it writes with an INSERT instead, which the row's primary key refuses should the case exist
    /// after all. This saves a flag one round trip to PostgreSQL.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (!_loaded && context.InterfaceMethod?.Name != nameof(ICaseGrain.Flag))
        {
            (_case, _lastEventSeq) = await CaseStore.LoadAsync(db, codec, CaseId);
            _loaded = true;
        }

        await context.Invoke();
    }

    public async Task<FlagResult> Flag(FlagCase command, Actor actor, string? idempotencyKey, string? requestHash)
    {
        if (_case is not null)
        {
            throw DomainException.Conflict($"Case {CaseId} already exists.");
        }

        var now = clock.GetUtcNow();
        var minor = now.Year - command.Person.BirthYear < 18;
        var flagged = new CaseView(
            CaseId, CaseStatus.Flagged, command.Person, command.CurrentCountry, command.Location, command.Situation,
            command.ExploitationType, command.Needs, command.Urgency, command.HomeRegion, command.Consent, command.ReportedBy,
            minor, actor.AgencyId, now, now, [], null, 1, command.Person.Citizenship);

        var events = new List<CaseEvent> { new(1, CaseEventType.Flagged, now, actor.AgencyId, actor.Username, null) };
        var (routed, feed) = await RouteAsync(flagged, actor, events, now, excluded: new HashSet<string>());

        var idempotency = idempotencyKey is null ? ((string, string, string)?)null : (actor.AgencyId, idempotencyKey, requestHash ?? string.Empty);
        var flaggedFields = PersonalFields.Where(f => f switch
        {
            "passportNumber" => command.Person.PassportNumber is not null,
            "phone" => command.Person.Phone is not null,
            _ => true,
        }).ToArray();
        var audit = new CaseAudit(actor, "case.flag", flaggedFields);
        SaveOutcome outcome;
        try
        {
            outcome = await SaveAsync(new CaseChange(routed, null, events, feed, CaseAccess.Involved(routed), idempotency, Audit: audit), now);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "cases_pkey")
        {
            // Flagged without loading (see Invoke), and the case exists: load it on the next call.
            _loaded = false;
            throw DomainException.Conflict($"Case {CaseId} already exists.");
        }

        if (outcome == SaveOutcome.IdempotencyKeyTaken)
        {
            // A concurrent retry with the same key won the race; this id stays unused. Answer with the
            // winner's case here rather than through the intake grain, whose call is waiting on this one.
            DeactivateOnIdle();
            var winner = await CaseStore.FindIdempotencyKeyAsync(db, actor.AgencyId, idempotencyKey!)
                ?? throw new InvalidOperationException("An idempotency key reported as taken was not found.");
            return await CaseIntakeGrain.ReplayAsync(GrainFactory, winner, requestHash, actor);
        }

        logger.LogInformation("Case {CaseId} flagged by {AgencyId} ({Urgency}), status {Status}", CaseId, actor.AgencyId, routed.Urgency, routed.Status);
        return new FlagResult(_case!, Created: true);
    }

    public async Task<CaseView?> Get(Actor viewer)
    {
        if (_case is null || !CanSee(viewer.AgencyId))
        {
            return null;
        }

        var visible = ForViewer(_case, viewer.AgencyId);
        if (visible.Person is null)
        {
            return visible;
        }

        try
        {
            await CaseStore.AuditReadAsync(db, viewer, [CaseId], "case.read", PersonalFields);
            return visible;
        }
        catch (NpgsqlException)
        {
            // The database is down: serve the live state, but personal data is only ever shown
            // when the read can be audited.
            logger.LogWarning("Case {CaseId} served without personal data: the read could not be audited", CaseId);
            return _case with { Person = null };
        }
    }

    public async Task<IReadOnlyList<CaseEvent>> Timeline(Actor viewer)
    {
        RequireVisible(viewer);
        return await CaseStore.TimelineAsync(db, CaseId);
    }

    public async Task<CaseView> Refer(ManualReferral referral, Actor actor)
    {
        var current = Require(CaseAction.Refer, actor);

        if (current.Status is CaseStatus.Closed or CaseStatus.Withdrawn)
        {
            throw DomainException.Conflict($"Case {CaseId} is {current.Status}; reopen it before referring.");
        }

        foreach (var service in referral.Services)
        {
            StrictEnum.RequireDefined("services", service);
        }

        RefuseIdentifying(current, actor, "note", referral.Note);
        var target = await Directory.Get(referral.ToAgencyId)
            ?? throw DomainException.Invalid("toAgencyId", $"Agency '{referral.ToAgencyId}' does not exist.");
        if (!target.IsReceiving)
        {
            // A referral shows the person to the agency: only organisations that receive and assist people get one.
            throw DomainException.Invalid("toAgencyId", $"Agency '{target.Id}' is a {target.Kind}; referrals go to receiving agencies (Ngo, Shelter, InternationalOrganization).");
        }

        // A referral shows the person to the agency: never to one of a third country.
        if (target.Country != current.Citizenship)
        {
            throw DomainException.Invalid("toAgencyId", $"Agency '{target.Id}' is of {target.Country}; the person's data goes only to agencies of their own country ({current.Citizenship}).");
        }

        if (current.Referrals.Any(r => r.ToAgencyId == target.Id && r.Status != ReferralStatus.Declined))
        {
            throw DomainException.Conflict($"Case {CaseId} is already referred to {target.Id}.");
        }

        var now = clock.GetUtcNow();
        var created = new Referral(NextReferralId(current), target.Id, referral.Services, ReferralStatus.Pending, null, now, referral.Note);
        var next = current with { Referrals = [.. current.Referrals, created], UpdatedAt = now, Version = current.Version + 1 };
        var events = new List<CaseEvent> { NewEvent(CaseEventType.Referred, actor, now, $"to {target.Id}") };
        var settled = new[] { CaseAlerts.SettlesNoReceiver(CaseId, current.FlaggedByAgencyId, actor.Username) };
        await SaveAsync(new CaseChange(next, current.Version, events, [CaseAlerts.ReferralReceived(next, created, actor.AgencyId)], CaseAccess.Involved(next), Resolutions: settled), now);
        return Answer(_case!);
    }

    public async Task<CaseView> AnswerReferral(string referralId, bool accept, string? reason, Actor actor)
    {
        // The agency a referral was made to may answer it — and repeat its answer — even after a
        // decline has taken the case out of its sight.
        var current = _case ?? throw DomainException.NotFound($"Case {CaseId}");
        var referral = current.Referrals.FirstOrDefault(r => r.Id == referralId && r.ToAgencyId == actor.AgencyId)
            ?? throw DomainException.NotFound($"Referral {referralId} of case {CaseId}");

        var wanted = accept ? ReferralStatus.Accepted : ReferralStatus.Declined;
        if (referral.Status == wanted)
        {
            return Answer(current);
        }

        if (referral.Status != ReferralStatus.Pending)
        {
            throw DomainException.Conflict($"Referral {referralId} is already {referral.Status}.");
        }

        RequireAllowed(current, CaseAction.AnswerReferral, actor);
        if (!accept && string.IsNullOrWhiteSpace(reason))
        {
            throw DomainException.Invalid("reason", "A decline needs a reason, e.g. no capacity.");
        }

        RefuseIdentifying(current, actor, "reason", reason);

        var now = clock.GetUtcNow();
        var answered = referral with { Status = wanted, Reason = accept ? null : reason, At = now };
        var next = current with
        {
            Referrals = current.Referrals.Select(r => r.Id == referralId ? answered : r).ToList(),
            UpdatedAt = now,
            Version = current.Version + 1,
        };
        var events = new List<CaseEvent>
        {
            NewEvent(accept ? CaseEventType.ReferralAccepted : CaseEventType.ReferralDeclined, actor, now, accept ? null : reason),
        };
        var feed = new List<NewFeedItem> { CaseAlerts.ReferralAnswered(next, answered, await Directory.Get(actor.AgencyId)) };

        if (!accept && current.Status is not (CaseStatus.Closed or CaseStatus.Withdrawn))
        {
            var declined = next.Referrals.Where(r => r.Status == ReferralStatus.Declined).Select(r => r.ToAgencyId).ToHashSet();
            var (rerouted, more) = await RouteAsync(next, actor, events, now, declined);
            next = rerouted;
            feed.AddRange(more);
        }

        // Answering is acting on the alert: it stops escalating.
        var settled = new[] { CaseAlerts.SettlesReferral(CaseId, referralId, actor.AgencyId, actor.Username) };
        await SaveAsync(new CaseChange(next, current.Version, events, feed, CaseAccess.Involved(next), Resolutions: settled), now);
        logger.LogInformation("Referral {ReferralId} of case {CaseId} {Answer} by {AgencyId}", referralId, CaseId, wanted, actor.AgencyId);
        return Answer(_case!);
    }

    public async Task<CaseView> BookTravel(Travel travel, Actor actor)
    {
        var current = Require(CaseAction.BookTravel, actor);

        if (!CaseLifecycle.TravelBookable.Contains(current.Status))
        {
            throw DomainException.Conflict($"Travel cannot be booked while case {CaseId} is {current.Status}.");
        }

        if (current.Status == CaseStatus.TravelBooked && current.Travel is { } existing && existing with { PickupAgencyId = null } == travel)
        {
            return Answer(current); // the same booking again: nothing changes, nobody is alerted twice
        }

        // The edge holds arrivals to a window around now; whatever reaches the grain stays within the
        // product's years, so deadlines computed from it (a pickup's, 24 hours before) exist.
        if (travel.ScheduledArrival < Instants.Earliest || travel.ScheduledArrival > Instants.Latest)
        {
            throw DomainException.Invalid("scheduledArrival", $"Between {Instants.Earliest:yyyy-MM-dd} and {Instants.Latest:yyyy-MM-dd}.");
        }

        RefuseIdentifying(current, actor, "escort", travel.Escort);
        RefuseIdentifying(current, actor, "travelDocument", travel.TravelDocument);

        var now = clock.GetUtcNow();
        var pickup = ReferralRouter.PickupAgency(current.Citizenship, current.HomeRegion, travel.ArrivalAirport, await Directory.List(), current.Referrals);
        var booked = travel with { PickupAgencyId = pickup?.Id };
        var next = current with { Status = CaseStatus.TravelBooked, Travel = booked, UpdatedAt = now, Version = current.Version + 1 };
        var events = new List<CaseEvent>
        {
            NewEvent(CaseEventType.TravelBooked, actor, now, $"{travel.FlightNumber} {travel.DepartureAirport}-{travel.ArrivalAirport}"),
        };
        var feed = new List<NewFeedItem>();
        if (pickup is not null)
        {
            feed.Add(CaseAlerts.PickupRequested(next, booked, pickup, next.Version));
        }
        else
        {
            feed.Add(CaseAlerts.NoReceivingAgency(next, $"no agency meets arrivals at {travel.ArrivalAirport}", $"pickup-v{next.Version}"));
        }

        feed.AddRange(UpdatesFor(next, events[^1], exclude: [actor.AgencyId, .. pickup is null ? Array.Empty<string>() : [pickup.Id]]));
        var superseded = current.Travel?.PickupAgencyId is { } previous
            ? new[] { CaseAlerts.SettlesPickups(CaseId, previous, actor.Username) }
            : [];
        await SaveAsync(new CaseChange(next, current.Version, events, feed, CaseAccess.Involved(next), Resolutions: superseded), now);
        logger.LogInformation("Travel booked for case {CaseId}, arrival {Airport}, pickup {AgencyId}", CaseId, travel.ArrivalAirport, pickup?.Id);
        return Answer(_case!);
    }

    public async Task<CaseView> RecordEvent(CaseEventType type, string? note, int? expectedVersion, Actor actor)
    {
        StrictEnum.RequireDefined("type", type);
        if (!CaseLifecycle.IsRecordable(type))
        {
            throw DomainException.Invalid("type", $"'{type}' is recorded by the system, not through events.");
        }

        // Who may comes before what the case's state allows: a refused caller learns nothing of it.
        var current = Require(CaseAction.Record(type), actor);
        RefuseIdentifying(current, actor, "note", note);
        if (expectedVersion is { } expected && expected != current.Version)
        {
            throw DomainException.Conflict($"Case {CaseId} is at version {current.Version}, not {expected}.");
        }

        var status = CaseLifecycle.Next(current.Status, type)
            ?? throw DomainException.Conflict($"{type} is not allowed while case {CaseId} is {current.Status}.");

        if (type == CaseEventType.Reopened && current.PersonalDataErasedAt is not null)
        {
            throw DomainException.Conflict($"The person's data of case {CaseId} was erased; flag a new case instead of reopening it.");
        }

        var now = clock.GetUtcNow();
        var next = current with
        {
            Status = status,
            Consent = CaseLifecycle.IsConsentChange(type) ? current.Consent with { Given = type == CaseEventType.ConsentGiven } : current.Consent,
            UpdatedAt = now,
            Version = current.Version + 1,
        };
        var events = new List<CaseEvent> { NewEvent(type, actor, now, note) };
        var feed = new List<NewFeedItem>();
        if (type == CaseEventType.Reopened)
        {
            (next, feed) = await RouteAsync(next, actor, events, now, excluded: new HashSet<string>());
        }

        feed.AddRange(UpdatesFor(next, events[0], exclude: [actor.AgencyId]));
        var audit = CaseLifecycle.IsConsentChange(type)
            ? new CaseAudit(actor, type == CaseEventType.ConsentGiven ? "case.consent.given" : "case.consent.withdrawn", ["consent"])
            : null;
        await SaveAsync(new CaseChange(next, current.Version, events, feed, CaseAccess.Involved(next), Resolutions: Settled(current, type, actor), Audit: audit), now);
        logger.LogInformation("Case {CaseId}: {Event}, now {Status}", CaseId, type, status);
        return Answer(_case!);
    }

    public async Task<CaseView> ErasePersonalData(string reason, Actor admin)
    {
        var current = _case ?? throw DomainException.NotFound($"Case {CaseId}");
        if (current.PersonalDataErasedAt is not null)
        {
            return Answer(current);
        }

        if (current.Status is not (CaseStatus.Closed or CaseStatus.Withdrawn))
        {
            throw DomainException.Conflict($"Case {CaseId} is {current.Status}; only a closed or withdrawn case's personal data can be erased.");
        }

        var now = clock.GetUtcNow();
        var next = current with
        {
            Person = current.Person! with { FullName = null, PassportNumber = null, Phone = null },
            PersonalDataErasedAt = now,
            UpdatedAt = now,
            Version = current.Version + 1,
        };
        var events = new List<CaseEvent> { NewEvent(CaseEventType.PersonalDataErased, admin, now, null) };
        var audit = new CaseAudit(admin, "case.erase", IdentifyingFields, reason);
        await SaveAsync(new CaseChange(next, current.Version, events, [], CaseAccess.Involved(next), Audit: audit), now);
        logger.LogInformation("Personal data of case {CaseId} erased by {Username}", CaseId, admin.Username);
        return Answer(_case!);
    }

    private IAgencyDirectoryGrain Directory => GrainFactory.GetGrain<IAgencyDirectoryGrain>(0);

    /// <summary>
    /// What a command answers: the case without the person. Responses to commands are kept for
    /// idempotent replay and are not reads the caller asked for; <see cref="Get"/> shows the person,
    /// and audits that it did.
    /// </summary>
    private static CaseView Answer(CaseView c) => c with { Person = null };

    /// <summary>
    /// Refuses free text that identifies the person, when the caller may see who the person is —
    /// for anyone else the refusal would confirm a guessed name.
    /// </summary>
    private static void RefuseIdentifying(CaseView c, Actor actor, string field, string? text)
    {
        if (PersonalDataGuard.Mentions(ForViewer(c, actor.AgencyId).Person, text))
        {
            throw DomainException.Invalid(field, NoPersonalDataInText);
        }
    }

    /// <summary>
    /// The case as an agency may see it (<see cref="CaseAccess"/>): without consent only the post that
    /// opened the case sees who the person is; every other involved agency works with the pseudonymous case.
    /// </summary>
    public static CaseView ForViewer(CaseView c, string agencyId) =>
        CaseAccess.SeesPerson(c, agencyId) ? c : c with { Person = null };

    /// <summary>Open alerts an event makes moot: a person met at the airport needs no pickup reminder, a withdrawn case no referral.</summary>
    private static FeedResolution[] Settled(CaseView c, CaseEventType type, Actor actor)
    {
        var pickups = c.Travel?.PickupAgencyId is { } pickup ? new[] { CaseAlerts.SettlesPickups(c.Id, pickup, actor.Username) } : [];
        return type switch
        {
            CaseEventType.Arrived or CaseEventType.ReceivedByAgency => pickups,
            CaseEventType.Withdrawn or CaseEventType.Closed =>
            [
                .. pickups,
                .. c.Referrals.Select(r => CaseAlerts.SettlesReferrals(c.Id, r.ToAgencyId, actor.Username)).DistinctBy(r => r.AgencyId),
                CaseAlerts.SettlesNoReceiver(c.Id, c.FlaggedByAgencyId, actor.Username),
            ],
            _ => [],
        };
    }

    /// <summary>Refers the case to the best matching receiving agency, or tells the post nobody matches.</summary>
    private async Task<(CaseView Case, List<NewFeedItem> Feed)> RouteAsync(
        CaseView c, Actor actor, List<CaseEvent> events, DateTimeOffset now, IReadOnlySet<string> excluded)
    {
        var person = c.Person!;
        var required = ReferralRouter.RequiredServices(c.Needs, c.Minor);
        var match = ReferralRouter.Route(person.Citizenship, c.HomeRegion, c.Minor, required, await Directory.List(), excluded);
        if (match is null)
        {
            var reason = c.Minor
                ? $"no agency offering ShelterMinors serves {c.HomeRegion} ({person.Citizenship})"
                : $"no receiving agency serves {c.HomeRegion} ({person.Citizenship}) with the needed services";
            events.Add(new CaseEvent(NextEventSeq(events), CaseEventType.NoReceivingAgency, now, actor.AgencyId, "system", reason));
            return (c, [CaseAlerts.NoReceivingAgency(c, reason, $"v{c.Version}")]);
        }

        var (agency, services) = match.Value;
        var referral = new Referral(NextReferralId(c), agency.Id, services, ReferralStatus.Pending, null, now, null);
        var routed = c with { Referrals = [.. c.Referrals, referral] };
        events.Add(new CaseEvent(NextEventSeq(events), CaseEventType.Referred, now, actor.AgencyId, "system", $"to {agency.Id}"));
        logger.LogInformation("Case {CaseId} referred to {AgencyId}", c.Id, agency.Id);
        return (routed, [CaseAlerts.ReferralReceived(routed, referral, c.FlaggedByAgencyId)]);
    }

    /// <summary>
    /// Failures that prove nothing was committed: the connection failed before COMMIT was sent (a lost
    /// COMMIT answer is a <see cref="CommitOutcomeUnknownException"/> instead), or the statement timed out.
    /// </summary>
    private static bool LeftTheDatabaseUntouched(Exception ex) => ex is NpgsqlException and not PostgresException or TimeoutException;

    private int NextEventSeq(List<CaseEvent> pending) => _lastEventSeq + pending.Count + 1;

    private CaseEvent NewEvent(CaseEventType type, Actor actor, DateTimeOffset now, string? note) =>
        new(_lastEventSeq + 1, type, now, actor.AgencyId, actor.Username, note);

    private static string NextReferralId(CaseView c) => $"r{c.Referrals.Count + 1}";

    private static IEnumerable<NewFeedItem> UpdatesFor(CaseView c, CaseEvent e, IReadOnlyCollection<string> exclude) =>
        CaseAccess.Involved(c).Where(a => !exclude.Contains(a)).Select(a => CaseAlerts.CaseUpdated(c, e, a));

    private bool CanSee(string agencyId) => _case is not null && CaseAccess.RelationsOf(_case, agencyId).Count > 0;

    private CaseView RequireVisible(Actor actor) => Require(CaseAction.Read, actor);

    /// <summary>The case, when the caller's agency may do <paramref name="action"/> to it: 404 when it is not involved, 403 when its relation does not allow it.</summary>
    private CaseView Require(CaseAction action, Actor actor)
    {
        if (_case is null)
        {
            throw DomainException.NotFound($"Case {CaseId}");
        }

        RequireAllowed(_case, action, actor);
        return _case;
    }

    private void RequireAllowed(CaseView c, CaseAction action, Actor actor)
    {
        var relations = CaseAccess.RelationsOf(c, actor.AgencyId);
        if (relations.Count == 0)
        {
            throw DomainException.NotFound($"Case {CaseId}");
        }

        if (CaseAccess.PermissionFor(action, relations) == CasePermission.No)
        {
            throw DomainException.Forbidden($"Your agency's relation to case {CaseId} does not allow this: {action.Name}.");
        }
    }

    private async Task<SaveOutcome> SaveAsync(CaseChange change, DateTimeOffset now)
    {
        SaveOutcome outcome;
        IReadOnlyList<(string AgencyId, FeedItem Item)> feed;
        try
        {
            (outcome, feed) = await CaseStore.SaveAsync(db, codec, change, now, ackOptions.Value);
        }
        catch (Exception ex) when (!LeftTheDatabaseUntouched(ex))
        {
            // The stored case may now differ from the one held here (a commit whose answer was lost,
            // a version or key that did not match): read it again before the next call, or the next
            // command would build on a stale state and event count.
            _loaded = false;
            logger.LogWarning("Case {CaseId}: save failed ({Error}); the case is read again before the next call", CaseId, ex.GetType().Name);
            throw;
        }

        if (outcome != SaveOutcome.Saved)
        {
            return outcome;
        }

        _case = change.Case;
        _lastEventSeq += change.Events.Count;
        _loaded = true;
        GrainFactory.NotifyAppended(feed);

        return outcome;
    }
}
