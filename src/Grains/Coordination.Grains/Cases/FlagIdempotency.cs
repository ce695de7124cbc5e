using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Npgsql;

namespace Coordination.Grains.Cases;

/// <summary>
/// The Idempotency-Key of a flag, kept with every other command's (<see cref="Idempotency.IdempotencyStore"/>).
/// The intake looks the key up before it draws a case number; the case grain claims the key in the
/// transaction that creates the case (<see cref="CaseStore.SaveAsync"/>), recording the case as its outcome,
/// so of two concurrent flags under one key exactly one creates a case. Every other flag under that
/// key is answered with the case it created, or 409 when its request differs.
/// </summary>
public static class FlagIdempotency
{
    /// <summary>The key a flag claims, if it carries one.</summary>
    public static (string AgencyId, string Key, string Hash)? Claim(Actor actor, string? key, string? requestHash) =>
        key is null ? null : (actor.AgencyId, key, requestHash ?? string.Empty);

    /// <summary>The answer to a retried flag: the case its key created first, or 409 for a different request.</summary>
    public static async Task<FlagResult> ReplayAsync(IGrainFactory grains, (string Hash, string? CaseId) previous, string? requestHash, Actor actor)
    {
        // No case: the key was used for another command, which is a different request too.
        if (previous.Hash != (requestHash ?? string.Empty) || previous.CaseId is not { } caseId)
        {
            throw DomainException.Conflict("This Idempotency-Key was already used with a different request.");
        }

        var existing = await grains.GetGrain<ICaseGrain>(caseId).Get(actor)
            ?? throw DomainException.NotFound($"Case {caseId}");
        return new FlagResult(existing, Created: false);
    }

    /// <summary>
    /// The answer to a flag whose key a concurrent flag claimed first: that flag's case. The case grain
    /// answers it itself rather than through the intake grain, whose call is waiting on it.
    /// </summary>
    public static async Task<FlagResult> ReplayWinnerAsync(NpgsqlDataSource db, IGrainFactory grains, Actor actor, string key, string? requestHash)
    {
        var winner = await CaseStore.FindIdempotencyKeyAsync(db, actor.AgencyId, key)
            ?? throw new InvalidOperationException("An idempotency key reported as taken was not found.");
        return await ReplayAsync(grains, winner, requestHash, actor);
    }
}
