using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Places;
using Microsoft.Extensions.Logging;

namespace Coordination.Grains.Cases;

/// <summary>The case grain's journey home: booked by air, road or rail (<see cref="Journey"/>), met by the agency at its arrival point.</summary>
public sealed partial class CaseGrain
{
    public async Task<CaseView> BookTravel(Travel travel, Actor actor)
    {
        var current = Require(CaseAction.BookTravel, actor);
        CaseLifecycle.RequireTravelBookable(current);
        if (CaseLifecycle.IsSameBooking(current, travel))
        {
            return CaseViews.ForCommand(current);
        }

        CaseLifecycle.RequireArrivalInRange(travel);
        CaseViews.RefuseIdentifying(current, actor, "escort", travel.Escort);
        CaseViews.RefuseIdentifying(current, actor, "travelDocument", travel.TravelDocument);
        CaseViews.RefuseIdentifying(current, actor, "reference", travel.Reference);
        var journey = await JourneyAsync(travel);

        var now = clock.GetUtcNow();
        var pickup = ReferralRouter.PickupAgency(current.Citizenship, current.HomeRegion, travel.ArrivalPoint, await Directory.List(), current.Referrals);
        var booked = journey with { Travel = travel with { PickupAgencyId = pickup?.Id } };
        var next = CaseLifecycle.TravelBooked(current, booked.Travel, now);
        var events = Events(CaseEventType.TravelBooked, actor, now, journey.Describe());
        var (feed, superseded) = CaseAlerts.TravelBooked(current, next, events[0], booked, pickup, actor);
        await SaveAsync(next, events, feed, now, superseded);
        logger.LogInformation("Travel booked for case {CaseId} by {Mode}, arrival at {ArrivalPoint}, pickup {AgencyId}", CaseId, travel.Mode, travel.ArrivalPoint, pickup?.Id);
        return CaseViews.ForCommand(_stored.Case!);
    }

    public async Task<CaseView> DelayTravel(DateTimeOffset scheduledArrival, Actor actor)
    {
        var current = Require(CaseAction.BookTravel, actor);
        if (CaseLifecycle.IsSameArrival(current, scheduledArrival))
        {
            return CaseViews.ForCommand(current);
        }

        var now = clock.GetUtcNow();
        var next = CaseLifecycle.Delayed(current, scheduledArrival, now);
        var journey = await JourneyAsync(next.Travel!);
        var previous = current.Travel!.ScheduledArrival;
        var events = Events(CaseEventType.TravelDelayed, actor, now,
            $"{journey.Describe()}: arrival {previous.UtcDateTime:yyyy-MM-dd HH:mm}Z → {scheduledArrival.UtcDateTime:yyyy-MM-dd HH:mm}Z");
        var pickup = next.Travel!.PickupAgencyId is { } pickupId ? await Directory.Get(pickupId) : null;
        var (feed, settled) = CaseAlerts.TravelDelayed(next, events[0], journey, pickup, previous, actor);
        await SaveAsync(next, events, feed, now, settled);
        logger.LogInformation("Case {CaseId}: arrival moved by {Delay}, pickup {AgencyId} told", CaseId, scheduledArrival - previous, pickup?.Id);
        return CaseViews.ForCommand(_stored.Case!);
    }

    public async Task<int> RaiseArrivalNotConfirmed()
    {
        var now = clock.GetUtcNow();
        if (_stored.Case is not { } current || !CaseArrivalWatch.IsDue(current, now, arrivalOptions.Value.Grace))
        {
            return 0;
        }

        var next = CaseArrivalWatch.Raised(current, now);
        var journey = await JourneyAsync(next.Travel!);
        var recipients = CaseArrivalWatch.Recipients(next);
        // The arrival place's zone, as the pickup request shows it; for an airport without an entry, the pickup agency's (else the post's).
        var zone = journey.Arrival?.TimeZone
            ?? (await Directory.Get(next.Travel!.PickupAgencyId ?? next.FlaggedByAgencyId) ?? await Directory.Get(next.FlaggedByAgencyId))?.TimeZone
            ?? "UTC";
        var events = new List<CaseEvent>
        {
            new(_stored.LastEventSeq + 1, CaseEventType.ArrivalNotConfirmed, now, next.FlaggedByAgencyId, "system",
                $"{journey.Describe()} was due {next.Travel!.ScheduledArrival.UtcDateTime:yyyy-MM-dd HH:mm}Z; nobody recorded the arrival or a delay"),
        };
        await SaveAsync(next, events, recipients.Select(a => CaseAlerts.ArrivalNotConfirmed(next, journey, a, zone)).ToList(), now);
        logger.LogWarning("Case {CaseId}: arrival not confirmed {Grace} after it was due; {Agencies} agencies told", CaseId, arrivalOptions.Value.Grace, recipients.Count);
        return recipients.Count;
    }

    /// <summary>The journey with the places of the directory it names.</summary>
    private async Task<Journey> JourneyAsync(Travel travel)
    {
        var places = GrainFactory.GetGrain<IPlaceDirectoryGrain>(0);
        return Journey.Of(travel, await places.Get(travel.DeparturePoint), await places.Get(travel.ArrivalPoint));
    }
}
