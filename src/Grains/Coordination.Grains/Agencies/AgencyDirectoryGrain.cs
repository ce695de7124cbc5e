using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Grains.Audit;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Agencies;

/// <summary>
/// The registry of agencies: loaded from the <c>agencies</c> table by the first call of each
/// activation and kept in memory, because referral routing reads it on every flag.
/// </summary>
public sealed class AgencyDirectoryGrain(
    NpgsqlDataSource db,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    ILogger<AgencyDirectoryGrain> logger) : Grain, IAgencyDirectoryGrain, IIncomingGrainCallFilter
{
    private readonly Dictionary<string, Agency> _agencies = new(StringComparer.Ordinal);
    private bool _loaded;

    // Routing reads the whole list on every flag: sort it once per change, not once per read.
    private IReadOnlyList<Agency>? _sorted;

    /// <summary>
    /// Loads inside the call rather than in OnActivateAsync: a failed activation answers every call
    /// for seconds with an exception that is not the database-unavailable 503 (and Npgsql's exceptions
    /// do not serialise), while a failed call leaves the activation in place to load on the next one.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (!_loaded)
        {
            foreach (var agency in await AgencyStore.LoadAsync(db))
            {
                _agencies[agency.Id] = agency;
            }

            _loaded = true;
        }

        try
        {
            await context.Invoke();
        }
        catch (CommitOutcomeUnknownException)
        {
            // The change may or may not be stored: read the table again rather than guess.
            _agencies.Clear();
            _sorted = null;
            _loaded = false;
            throw;
        }
    }

    public async Task<Agency> Create(Agency agency)
    {
        if (!await AgencyStore.InsertAsync(db, agency))
        {
            throw DomainException.Conflict($"An agency with id '{agency.Id}' already exists.");
        }

        Remember(agency);
        logger.LogInformation("Agency {AgencyId} ({Kind}, {Country}) registered", agency.Id, agency.Kind, agency.Country);
        return agency;
    }

    public async Task<Agency?> Update(AgencyEdit edit, Actor actor)
    {
        if (_agencies.GetValueOrDefault(edit.Id) is not { } current)
        {
            return null;
        }

        var edited = current with
        {
            Name = edit.Name, City = edit.City, TimeZone = edit.TimeZone,
            ServesRegions = edit.ServesRegions, Airports = edit.Airports, Services = edit.Services,
            ArrivalPoints = edit.ArrivalPoints ?? [.. edit.Airports, .. current.ArrivalPlaces()],
        };
        var fields = ChangedFields(current, edited);
        if (fields.Length == 0)
        {
            return current;
        }

        await AgencyStore.UpdateAsync(db, edited, NewAuditEntry.By(actor, [], "agency.update", fields, edited.Id));
        Remember(edited);
        logger.LogInformation("Agency {AgencyId} edited by {Username}: {Fields}", edited.Id, actor.Username, fields);
        return edited;
    }

    public async Task<Agency?> SetActive(string agencyId, bool active, Actor actor)
    {
        if (_agencies.GetValueOrDefault(agencyId) is not { } current)
        {
            return null;
        }

        if (current.Active == active)
        {
            return current;
        }

        var changed = current with { DeactivatedAt = active ? null : clock.GetUtcNow() };
        var action = active ? "agency.activate" : "agency.deactivate";
        await AgencyStore.UpdateAsync(db, changed, NewAuditEntry.By(actor, [], action, ["active"], agencyId));
        Remember(changed);
        logger.LogInformation("Agency {AgencyId} {Action} by {Username}", agencyId, action, actor.Username);
        return changed;
    }

    public async Task<Agency?> SetCapacity(string agencyId, int adults, int minors, Actor actor)
    {
        if (_agencies.GetValueOrDefault(agencyId) is not { } current)
        {
            return null;
        }

        if (adults is < 0 or > ShelterCapacity.Max || minors is < 0 or > ShelterCapacity.Max)
        {
            throw DomainException.Invalid(adults is < 0 or > ShelterCapacity.Max ? "adults" : "minors", $"A number of free beds from 0 to {ShelterCapacity.Max}.");
        }

        if (current.Capacity is { } published && published.Adults == adults && published.Minors == minors)
        {
            return current;
        }

        var changed = current with { Capacity = new ShelterCapacity(adults, minors, clock.GetUtcNow()) };
        var fields = new[] { ("adults", current.Capacity?.Adults != adults), ("minors", current.Capacity?.Minors != minors) }
            .Where(f => f.Item2).Select(f => f.Item1).ToArray();
        await AgencyStore.UpdateAsync(db, changed, NewAuditEntry.By(actor, [], "agency.capacity", fields, agencyId));
        Remember(changed);
        logger.LogInformation("Agency {AgencyId} published {Adults} free beds for adults and {Minors} for minors ({Username})", agencyId, adults, minors, actor.Username);
        return changed;
    }

    public Task<Agency?> Get(string agencyId) =>
        Task.FromResult(_agencies.GetValueOrDefault(agencyId));

    public Task<IReadOnlyList<Agency>> List() =>
        Task.FromResult(_sorted ??= _agencies.Values.OrderBy(a => a.Id, StringComparer.Ordinal).ToList());

    private void Remember(Agency agency)
    {
        _agencies[agency.Id] = agency;
        _sorted = null;
    }

    /// <summary>The wire names of the edited fields whose value changed, for the audit log.</summary>
    private static string[] ChangedFields(Agency before, Agency after) =>
        new (string Field, bool Changed)[]
        {
            ("name", before.Name != after.Name),
            ("city", before.City != after.City),
            ("timeZone", before.TimeZone != after.TimeZone),
            ("servesRegions", !before.ServesRegions.SequenceEqual(after.ServesRegions)),
            ("airports", !before.Airports.SequenceEqual(after.Airports)),
            ("arrivalPoints", !(before.ArrivalPoints ?? before.Airports).SequenceEqual(after.ArrivalPoints ?? after.Airports)),
            ("services", !before.Services.SequenceEqual(after.Services)),
        }.Where(f => f.Changed).Select(f => f.Field).ToArray();
}
