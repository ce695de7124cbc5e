using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;

namespace Coordination.Grains.Cases;

/// <summary>The lifecycle's rules for the journey home: booking it, and moving its arrival.</summary>
public static partial class CaseLifecycle
{
    /// <summary>Statuses from which a consul may book (or re-book) the flight home.</summary>
    public static readonly CaseStatus[] TravelBookable =
        [CaseStatus.Flagged, CaseStatus.Verified, CaseStatus.DocumentsIssued, CaseStatus.TravelBooked];

    /// <summary>Refuses a booking the case's status does not allow.</summary>
    public static void RequireTravelBookable(CaseView current)
    {
        if (current.Route == CaseRoute.Internal)
        {
            throw DomainException.Conflict($"Case {current.Id} is internal: the person is in their own country and there is no travel abroad to book.");
        }

        if (!TravelBookable.Contains(current.Status))
        {
            throw DomainException.Conflict($"Travel cannot be booked while case {current.Id} is {current.Status}.");
        }
    }

    /// <summary>The statuses of a journey under way, whose arrival a delay may move.</summary>
    public static readonly CaseStatus[] Travelling = [CaseStatus.TravelBooked, CaseStatus.InTransit];

    /// <summary>The arrival the journey under way already has: a delay to it changes nothing.</summary>
    public static bool IsSameArrival(CaseView current, DateTimeOffset scheduledArrival) =>
        Travelling.Contains(current.Status) && current.Travel?.ScheduledArrival == scheduledArrival;

    /// <summary>The case with its journey's arrival moved; refused while no journey is under way.</summary>
    public static CaseView Delayed(CaseView current, DateTimeOffset scheduledArrival, DateTimeOffset now)
    {
        if (current.Travel is not { } travel || !Travelling.Contains(current.Status))
        {
            throw DomainException.Conflict($"Case {current.Id} has no journey under way whose arrival could move (it is {current.Status}).");
        }

        var moved = travel with { ScheduledArrival = scheduledArrival, ArrivalWatchRaised = false };
        RequireArrivalInRange(moved);
        return current with { Travel = moved, UpdatedAt = now, Version = current.Version + 1 };
    }

    /// <summary>The same booking again: nothing changes, nobody is alerted twice.</summary>
    public static bool IsSameBooking(CaseView current, Travel travel) =>
        current.Status == CaseStatus.TravelBooked && current.Travel is { } existing && existing with { PickupAgencyId = null, ArrivalWatchRaised = false } == travel;

    /// <summary>
    /// Refuses an arrival outside the product's years. The edge holds arrivals to a window around
    /// now; whatever reaches the grain stays within those years, so deadlines computed from it (a
    /// pickup's, 24 hours before) exist.
    /// </summary>
    public static void RequireArrivalInRange(Travel travel)
    {
        if (travel.ScheduledArrival < Instants.Earliest || travel.ScheduledArrival > Instants.Latest)
        {
            throw DomainException.Invalid("scheduledArrival", $"Between {Instants.Earliest:yyyy-MM-dd} and {Instants.Latest:yyyy-MM-dd}.");
        }
    }

    /// <summary>The case with its flight home booked.</summary>
    public static CaseView TravelBooked(CaseView current, Travel booked, DateTimeOffset now) =>
        current with { Status = CaseStatus.TravelBooked, Travel = booked, UpdatedAt = now, Version = current.Version + 1 };
}
