using Coordination.Contracts.Common;
using Coordination.Contracts.Places;
using Coordination.Grains.Audit;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Places;

/// <summary>
/// The directory of places: loaded from the <c>places</c> table by the first call of each activation
/// and kept in memory, because every booking by road or rail and every agency edit reads it.
/// </summary>
public sealed class PlaceDirectoryGrain(NpgsqlDataSource db, ILogger<PlaceDirectoryGrain> logger) : Grain, IPlaceDirectoryGrain, IIncomingGrainCallFilter
{
    private readonly SortedDictionary<string, Place> _places = new(StringComparer.Ordinal);
    private bool _loaded;

    /// <summary>Loads inside the call rather than in OnActivateAsync, for the reason the agency directory gives.</summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (!_loaded)
        {
            foreach (var place in await PlaceStore.LoadAsync(db))
            {
                _places[place.Code] = place;
            }

            _loaded = true;
        }

        try
        {
            await context.Invoke();
        }
        catch (CommitOutcomeUnknownException)
        {
            // The place may or may not be stored: read the table again rather than guess.
            _places.Clear();
            _loaded = false;
            throw;
        }
    }

    public async Task<Place> Create(Place place, Actor actor)
    {
        if (_places.ContainsKey(place.Code)
            || !await PlaceStore.InsertAsync(db, place, NewAuditEntry.By(actor, [], "place.create", ["code", "name", "kind", "country", "timeZone"], place.Code)))
        {
            throw DomainException.Conflict($"A place with code '{place.Code}' already exists.");
        }

        _places[place.Code] = place;
        logger.LogInformation("Place {PlaceCode} ({Kind}, {Country}) registered by {Username}", place.Code, place.Kind, place.Country, actor.Username);
        return place;
    }

    public Task<Place?> Get(string code) => Task.FromResult(_places.GetValueOrDefault(code));

    public Task<IReadOnlyList<Place>> List() => Task.FromResult<IReadOnlyList<Place>>([.. _places.Values]);
}
