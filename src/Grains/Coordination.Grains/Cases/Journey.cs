using System.Globalization;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Places;

namespace Coordination.Grains.Cases;

/// <summary>
/// A journey home with the places of the directory it names: how the timeline and the pickup request
/// describe it, and in which time zone its arrival is read. A road or rail journey needs both its
/// places in the directory; a flight's airports need no entry (one that has an entry lends it its zone).
/// </summary>
public sealed record Journey(Travel Travel, Place? Departure, Place? Arrival)
{
    /// <summary>The journey with its places, refusing (400, naming the field) a road or rail journey whose place the directory does not hold.</summary>
    public static Journey Of(Travel travel, Place? departure, Place? arrival)
    {
        if (travel.Mode != TravelMode.Air)
        {
            if (departure is null)
            {
                throw DomainException.Invalid("departurePlace", $"'{travel.DeparturePlace}' is not a place of the directory (GET /api/places).");
            }

            if (arrival is null)
            {
                throw DomainException.Invalid("arrivalPlace", $"'{travel.ArrivalPlace}' is not a place of the directory (GET /api/places).");
            }
        }

        return new Journey(travel, departure, arrival);
    }

    /// <summary>The zone in which the arrival is read: the arrival place's, else that of the agency meeting it.</summary>
    public string ArrivalTimeZone(Agency pickup) => Arrival?.TimeZone ?? pickup.TimeZone;

    /// <summary>"TK 345 IST-FRU" for a flight (as always); "Rail 0123 Almaty-2 – Tashkent" by road or rail.</summary>
    public string Describe() => Travel.Mode == TravelMode.Air
        ? $"{Travel.FlightNumber} {Travel.DepartureAirport}-{Travel.ArrivalAirport}"
        : string.Join(' ', new[] { Travel.Mode.ToString(), Travel.Reference, $"{NameOf(Departure, Travel.DeparturePoint)} – {NameOf(Arrival, Travel.ArrivalPoint)}" }.Where(p => !string.IsNullOrEmpty(p)));

    /// <summary>What a pickup request carries of the journey: the flight and airports by air; mode, reference and places (codes and names) by road or rail.</summary>
    public void AddTo(IDictionary<string, string> data)
    {
        data["mode"] = Travel.Mode.ToString();
        if (Travel.Mode == TravelMode.Air)
        {
            data["flightNumber"] = Travel.FlightNumber!;
            data["departureAirport"] = Travel.DepartureAirport!;
            data["arrivalAirport"] = Travel.ArrivalAirport!;
            return;
        }

        if (Travel.Reference is not null)
        {
            data["reference"] = Travel.Reference;
        }

        data["departurePlace"] = Travel.DeparturePoint;
        data["departurePlaceName"] = NameOf(Departure, Travel.DeparturePoint);
        data["arrivalPlace"] = Travel.ArrivalPoint;
        data["arrivalPlaceName"] = NameOf(Arrival, Travel.ArrivalPoint);
    }

    /// <summary>An arrival already converted to the zone it is read in, as a pickup request and the arrival watch write it.</summary>
    public static string LocalArrival(DateTimeOffset local) => local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string NameOf(Place? place, string code) => place?.Name ?? code;
}
