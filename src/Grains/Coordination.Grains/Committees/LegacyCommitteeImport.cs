using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Idempotency;
using Coordination.Grains.Idempotency;
using Npgsql;
using Orleans.Storage;

namespace Coordination.Grains.Committees;

/// <summary>
/// Moves a plan stored in Orleans grain storage before migration 0011 into its row of
/// <c>committees</c>, on its committee's first activation after the upgrade: its command keys into
/// <c>idempotent_requests</c>, then the plan with the feed entries it had not delivered (one
/// transaction), then the grain state is cleared. Each step can be repeated after a crash: keys are
/// claimed only where absent, the row is created only where absent, and the entries' dedupe keys make
/// a second delivery a no-op. Remove once every deployment has activated its committees on 0011.
/// </summary>
public static class LegacyCommitteeImport
{
    /// <summary>The provider and state name the plan had as grain state.</summary>
    public const string Provider = "coordination";

    private const string StateName = "committee";

    /// <summary>
    /// Imports the committee's grain state, if it has any; returns the feed entries to hand to the
    /// feeds, or null when there was nothing to import (or the provider is not configured).
    /// </summary>
    public static async Task<IReadOnlyList<FeedDelivery>?> ImportAsync(
        IGrainStorage? storage, NpgsqlDataSource db, GrainId grainId, string committeeId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (storage is null)
        {
            return null;
        }

        var legacy = new GrainState<CommitteeState>(new CommitteeState());
        await storage.ReadStateAsync(StateName, grainId, legacy);
        if (!legacy.RecordExists)
        {
            return null;
        }

        var plan = legacy.State ?? new CommitteeState();
        foreach (var command in plan.Commands)
        {
            var resource = command.MeetingId is { } meeting
                ? CommitteeCommandKeys.Meeting(committeeId, meeting)
                : CommitteeCommandKeys.Tasks(committeeId, command.TaskIds);
            await IdempotencyStore.TryClaimAsync(db, IdempotencyScope.Agency(command.AgencyId), command.Key, command.Hash, now, resource, cancellationToken);
        }

        IReadOnlyList<FeedDelivery> deliveries = [];
        try
        {
            (_, deliveries) = await CommitteeStore.SaveAsync(
                db, committeeId, new CommitteeChange(plan, PreviousVersion: 0, plan.Outbox, plan.Settlements), now, cancellationToken);
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.Conflict)
        {
            // Another activation imported it first; its row is the plan now.
        }

        await storage.ClearStateAsync(StateName, grainId, legacy);
        return deliveries;
    }
}
