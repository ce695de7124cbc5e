using System.Text.Json.Serialization;

namespace Coordination.Contracts.Cases;

/// <summary>How the person travels home: by air between airports, by road or rail between places of the directory.</summary>
[GenerateSerializer] public enum TravelMode { Air, Road, Rail }

/// <summary>
/// The journey home. By <see cref="TravelMode.Air"/> (the default, as every journey stored before the
/// others existed): a flight between IATA airports. By road or rail: an optional train or bus
/// <see cref="Reference"/> between two places of the directory (border crossings, stations), and no
/// flight or airports. <see cref="ArrivalWatchRaised"/>: the arrival watch has raised ArrivalNotConfirmed
/// for this <see cref="ScheduledArrival"/> (a delay watches the new one anew).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.Travel")]
public sealed record Travel(
    [property: Id(0)] string? FlightNumber,
    [property: Id(1)] string? DepartureAirport,
    [property: Id(2)] string? ArrivalAirport,
    [property: Id(3)] DateTimeOffset ScheduledArrival,
    [property: Id(4)] string Escort,
    [property: Id(5)] string TravelDocument,
    [property: Id(6)] string? PickupAgencyId,
    [property: Id(7)] TravelMode Mode = TravelMode.Air,
    [property: Id(8)] string? Reference = null,
    [property: Id(9)] string? DeparturePlace = null,
    [property: Id(10)] string? ArrivalPlace = null,
    [property: Id(11)] bool ArrivalWatchRaised = false)
{
    /// <summary>Where the journey starts: the departure place by road or rail, the airport by air.</summary>
    [JsonIgnore]
    public string DeparturePoint => DeparturePlace ?? DepartureAirport ?? string.Empty;

    /// <summary>Where the person arrives and is met: the arrival place by road or rail, the airport by air.</summary>
    [JsonIgnore]
    public string ArrivalPoint => ArrivalPlace ?? ArrivalAirport ?? string.Empty;
}
