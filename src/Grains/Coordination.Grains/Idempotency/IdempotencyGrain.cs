using Coordination.Contracts.Idempotency;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Coordination.Grains.Idempotency;

/// <summary>
/// The lease-and-complete protocol over <see cref="IdempotencyStore"/>: the first request with a key
/// claims it and holds it for <see cref="Lease"/>; its response, once recorded, is replayed to
/// retries of the same request; the same key with a different request is refused. A claim whose
/// holder died runs out with its lease and a retry takes it over.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class IdempotencyGrain(
    NpgsqlDataSource db,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock) : Grain, IIdempotencyGrain
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    public async Task<IdempotencyClaim> Begin(string scope, string key, string requestHash)
    {
        if (await IdempotencyStore.TryClaimAsync(db, scope, key, requestHash, clock.GetUtcNow()))
        {
            return new IdempotencyClaim(IdempotencyClaimKind.Claimed);
        }

        var previous = await IdempotencyStore.FindAsync(db, scope, key);
        if (previous is null)
        {
            // Released between the two statements: claim it again, or report whoever claimed it first.
            return await IdempotencyStore.TryClaimAsync(db, scope, key, requestHash, clock.GetUtcNow())
                ? new IdempotencyClaim(IdempotencyClaimKind.Claimed)
                : new IdempotencyClaim(IdempotencyClaimKind.InProgress, RetryAfter: Lease);
        }

        // A key recorded by its command's own transaction (a flag's) has no response to replay here: it
        // was used with a request to another endpoint.
        if (previous.Hash != requestHash || previous.ResourceId is not null)
        {
            return new IdempotencyClaim(IdempotencyClaimKind.DifferentRequest);
        }

        if (previous.Status is { } status)
        {
            return new IdempotencyClaim(IdempotencyClaimKind.Replay, new IdempotentResponse(status, previous.Location, previous.Body));
        }

        var now = clock.GetUtcNow();
        if (await IdempotencyStore.TryTakeOverAsync(db, scope, key, now, now - Lease))
        {
            return new IdempotencyClaim(IdempotencyClaimKind.Claimed);
        }

        var leaseLeft = previous.StartedAt + Lease - now;
        return new IdempotencyClaim(IdempotencyClaimKind.InProgress, RetryAfter: leaseLeft > TimeSpan.FromSeconds(1) ? leaseLeft : TimeSpan.FromSeconds(1));
    }

    public Task Complete(string scope, string key, IdempotentResponse response) => IdempotencyStore.CompleteAsync(db, scope, key, response);

    public Task Release(string scope, string key) => IdempotencyStore.ReleaseAsync(db, scope, key);
}
