using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Coordination.Grains.Cases;

/// <summary>
/// Case intake: checks the caller's remit and routes the case from its data (<see cref="CaseDoors"/>), honours idempotency keys, allocates the case number ({citizenship}-{year}-{6 digits}),
/// finds the person's earlier cases for the re-trafficking signal — all in one read — and hands the
/// flag to the new case's grain. Stateless, so it scales with the silos.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class CaseIntakeGrain(
    NpgsqlDataSource db,
    CaseStateCodec codec,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock) : Grain, ICaseIntakeGrain
{
    public async Task<FlagResult> Flag(FlagCase command, Actor actor, IReadOnlyList<AgencyKind> opensFor, string? idempotencyKey, string? requestHash)
    {
        RequireDefined(command);
        var directory = GrainFactory.GetGrain<IAgencyDirectoryGrain>(0);
        var caller = await directory.Get(actor.AgencyId);
        if (caller is null || !opensFor.Contains(caller.Kind))
        {
            throw DomainException.Forbidden(
                "None of your roles opens cases for an agency of your agency's kind (consular officers for consular posts, caseworkers for NGOs and shelters, hotline operators for hotlines, police officers for the police).");
        }

        CaseConsent.Require(command.Consent, CaseLifecycle.IsMinor(command.Person.BirthYear, clock.GetUtcNow()));
        var needsPost = CaseDoors.RequireRemit(command, caller);
        var opening = CaseDoors.Open(command, caller!, needsPost ? await directory.List() : null);

        var prefix = $"{command.Person.Citizenship}-{clock.GetUtcNow().Year}";
        var intake = await CaseStore.ReadIntakeAsync(db, codec, actor.AgencyId, idempotencyKey, prefix, await codec.PersonMarkAsync(command.Person.Citizenship, command.Person));
        if (intake.Previous is { } previous)
        {
            return await FlagIdempotency.ReplayAsync(GrainFactory, previous, requestHash, actor);
        }

        var caseId = $"{prefix}-{intake.Number:D6}";
        var earlier = ReTraffickingSignal.EarlierCasesOf(command.Person, intake.MarkedLike);
        return await GrainFactory.GetGrain<ICaseGrain>(caseId).Flag(command, actor, idempotencyKey, requestHash, earlier, opening);
    }

    /// <summary>Refuses values outside their enumerations, which the edge never lets through but a grain call could carry.</summary>
    private static void RequireDefined(FlagCase command)
    {
        StrictEnum.RequireDefined("person.sex", command.Person.Sex);
        StrictEnum.RequireDefined("situation", command.Situation);
        StrictEnum.RequireDefined("exploitationType", command.ExploitationType);
        foreach (var type in command.Exploitation ?? [])
        {
            StrictEnum.RequireDefined("exploitation", type);
        }
        StrictEnum.RequireDefined("urgency", command.Urgency);
        foreach (var need in command.Needs)
        {
            StrictEnum.RequireDefined("needs", need);
        }

        if (command.ReportedBy is { } reportedBy)
        {
            StrictEnum.RequireDefined("reportedBy", reportedBy);
        }

        if (command.IdentifiedBy is { } identifiedBy)
        {
            StrictEnum.RequireDefined("identifiedBy", identifiedBy);
        }
    }

    public async Task<IReadOnlyList<CaseView>> List(CaseListQuery query, Actor viewer)
    {
        if (query.Status is { } status)
        {
            StrictEnum.RequireDefined("status", status);
        }

        if (query.Urgency is { } urgency)
        {
            StrictEnum.RequireDefined("urgency", urgency);
        }

        if (query.Route is { } route)
        {
            StrictEnum.RequireDefined("route", route);
        }

        var cases = (await CaseStore.ListAsync(db, codec, query with { AgencyId = viewer.AgencyId }, clock.GetUtcNow()))
            .Select(c => CaseViews.ForViewer(c, viewer.AgencyId))
            .ToList();
        await CaseStore.AuditReadAsync(db, viewer, cases.Where(c => c.Person is not null).Select(c => c.Id), "case.list", CaseViews.PersonalFields);
        return cases;
    }

    public Task<IReadOnlyDictionary<CaseStatus, int>> CountByStatus(Actor viewer) => CaseStore.CountByStatusAsync(db, viewer.AgencyId);
}
