using System.Text.Json.Serialization;
using Coordination.Contracts.Common;

namespace Coordination.Contracts.Agencies;

[GenerateSerializer]
public enum AgencyKind
{
    ConsularPost,
    Ngo,
    Shelter,
    Committee,
    Ministry,
    LawEnforcement,
    InternationalOrganization,
    Hotline,
}

[GenerateSerializer]
public enum AgencyService
{
    Shelter,
    ShelterMinors,
    Legal,
    Medical,
    Psychological,
    Reintegration,
    Escort,
}

/// <summary>
/// An organisation taking part: a consular post abroad, a receiving NGO or shelter, a committee.
/// <see cref="Country"/> is the state it belongs to; <see cref="HostCountry"/> where a post sits abroad.
/// <see cref="DeactivatedAt"/> is set while it is out of automatic routing (e.g. a shelter that closed);
/// null, as in every agency stored before it existed, means active. <see cref="ArrivalPoints"/> are where
/// it meets arrivals: IATA airport codes and codes of the places directory (border crossings,
/// stations); <see cref="Airports"/> are the airports among them, the air-only alias of older
/// clients. Agencies stored before arrival points existed have null, read as their airports.
/// <see cref="Capacity"/>: the free beds it last published (null: never, and routing never skips it for beds).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.Agency")]
public sealed record Agency(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] AgencyKind Kind,
    [property: Id(3)] string Country,
    [property: Id(4)] string? HostCountry,
    [property: Id(5)] string? City,
    [property: Id(6)] string TimeZone,
    [property: Id(7)] IReadOnlyList<string> ServesRegions,
    [property: Id(8)] IReadOnlyList<string> Airports,
    [property: Id(9)] IReadOnlyList<AgencyService> Services,
    [property: Id(10)] DateTimeOffset? DeactivatedAt = null,
    [property: Id(11)] IReadOnlyList<string>? ArrivalPoints = null,
    [property: Id(12)] ShelterCapacity? Capacity = null)
{
    public bool Active => DeactivatedAt is null;

    /// <summary>Whether the agency has published that it has no free bed for a minor (<paramref name="minor"/>) or an adult.</summary>
    public bool IsFullFor(bool minor) => Capacity is { } beds && beds.FreeFor(minor) <= 0;

    /// <summary>Whether the agency meets arrivals at <paramref name="point"/>, an airport or a place of the directory.</summary>
    public bool MeetsArrivalsAt(string point) => (ArrivalPoints ?? Airports).Contains(point, StringComparer.OrdinalIgnoreCase);

    /// <summary>The arrival points that are places of the directory rather than airports.</summary>
    public IEnumerable<string> ArrivalPlaces() => (ArrivalPoints ?? Airports).Except(Airports, StringComparer.Ordinal);

    /// <summary>Agencies that receive and assist returning persons at home.</summary>
    [JsonIgnore]
    public bool IsReceiving => Kind is AgencyKind.Ngo or AgencyKind.Shelter or AgencyKind.InternationalOrganization;

    public bool Serves(string homeRegion) =>
        ServesRegions.Count == 0 || ServesRegions.Any(r => string.Equals(r, homeRegion, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The free beds a shelter (or an agency running one) publishes, for adults and for minors, and when
/// it last did (<c>PUT /api/agencies/{id}/capacity</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.ShelterCapacity")]
public sealed record ShelterCapacity(
    [property: Id(0)] int Adults,
    [property: Id(1)] int Minors,
    [property: Id(2)] DateTimeOffset UpdatedAt)
{
    /// <summary>The most beds one agency may publish for an age group.</summary>
    public const int Max = 100_000;

    public int FreeFor(bool minor) => minor ? Minors : Adults;
}

/// <summary>
/// The fields of an agency an administrator may change after creating it. <see cref="ArrivalPoints"/>
/// null: the edit named only <see cref="Airports"/>, and the places among the agency's arrival points stay.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.AgencyEdit")]
public sealed record AgencyEdit(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? City,
    [property: Id(3)] string TimeZone,
    [property: Id(4)] IReadOnlyList<string> ServesRegions,
    [property: Id(5)] IReadOnlyList<string> Airports,
    [property: Id(6)] IReadOnlyList<AgencyService> Services,
    [property: Id(7)] IReadOnlyList<string>? ArrivalPoints = null);

/// <summary>The registry of agencies, one per deployment (key 0).</summary>
[Alias("Coordination.IAgencyDirectoryGrain")]
public interface IAgencyDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Create")]
    Task<Agency> Create(Agency agency);

    /// <summary>Replaces what an administrator may edit; id, kind, country and activity stay. Null when no such agency.</summary>
    [Alias("Update")]
    Task<Agency?> Update(AgencyEdit edit, Actor actor);

    /// <summary>Takes the agency out of automatic routing or back in. Null when no such agency.</summary>
    [Alias("SetActive")]
    Task<Agency?> SetActive(string agencyId, bool active, Actor actor);

    /// <summary>
    /// Publishes the agency's free beds for adults and minors, audited (<c>agency.capacity</c>); the same
    /// numbers again change nothing. Null when no such agency.
    /// </summary>
    [Alias("SetCapacity")]
    Task<Agency?> SetCapacity(string agencyId, int adults, int minors, Actor actor);

    [Alias("Get"), ReadOnly]
    Task<Agency?> Get(string agencyId);

    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<Agency>> List();
}
