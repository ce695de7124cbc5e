using Coordination.Contracts.Common;

namespace Coordination.Contracts.Places;

/// <summary>What kind of place people arrive at or leave from.</summary>
[GenerateSerializer]
public enum PlaceKind { Airport, BorderCrossing, RailStation, BusStation }

/// <summary>
/// A place of the directory: a land border crossing, a railway or bus station (or an airport that
/// needs a name and time zone of its own). Journeys by road and rail start and end at these, and
/// agencies meet arrivals there. IATA airport codes need no entry. <see cref="TimeZone"/> is the
/// zone in which arrival times there are read.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.Place")]
public sealed record Place(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] PlaceKind Kind,
    [property: Id(3)] string Country,
    [property: Id(4)] string TimeZone);

/// <summary>The directory of places, one per deployment (key 0).</summary>
[Alias("Coordination.IPlaceDirectoryGrain")]
public interface IPlaceDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Registers a place (audited); 409 when its code is taken.</summary>
    [Alias("Create")]
    Task<Place> Create(Place place, Actor actor);

    [Alias("Get"), ReadOnly]
    Task<Place?> Get(string code);

    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<Place>> List();
}
