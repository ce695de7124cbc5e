namespace Coordination.Contracts.Idempotency;

/// <summary>
/// Whose Idempotency-Keys a key is among: an agency's (every user of the agency shares them, as a
/// retry may come from a colleague's session) or, for an account of no agency, the user's own.
/// </summary>
public static class IdempotencyScope
{
    public static string Agency(string agencyId) => $"agency:{agencyId}";

    public static string User(string username) => $"user:{username}";
}

/// <summary>The response a command under an Idempotency-Key answered with, replayed to its retries.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.IdempotentResponse")]
public sealed record IdempotentResponse(
    [property: Id(0)] int Status,
    [property: Id(1)] string? Location,
    [property: Id(2)] string? Body);

[GenerateSerializer, Alias("Coordination.IdempotencyClaimKind")]
public enum IdempotencyClaimKind
{
    /// <summary>The caller holds the key's lease: run the command, then complete or release the key.</summary>
    Claimed,

    /// <summary>The command ran already: answer with <see cref="IdempotencyClaim.Response"/>.</summary>
    Replay,

    /// <summary>The key was used with a different request.</summary>
    DifferentRequest,

    /// <summary>Another request holds the key's lease; retry after <see cref="IdempotencyClaim.RetryAfter"/>.</summary>
    InProgress,
}

[GenerateSerializer, Immutable, Alias("Coordination.IdempotencyClaim")]
public sealed record IdempotencyClaim(
    [property: Id(0)] IdempotencyClaimKind Kind,
    [property: Id(1)] IdempotentResponse? Response = null,
    [property: Id(2)] TimeSpan RetryAfter = default);

/// <summary>
/// The lease-and-complete protocol of Idempotency-Keys for commands whose effect is not one write
/// that could carry the key (docs/guarantees.md). Stateless; any silo answers, key 0.
/// </summary>
[Alias("Coordination.IIdempotencyGrain")]
public interface IIdempotencyGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Claims <paramref name="key"/> in <paramref name="scope"/> for a request with fingerprint
    /// <paramref name="requestHash"/>, or says why not: replay, different request, or still in progress
    /// (a claim left by a caller that died is taken over once its lease has run out).
    /// </summary>
    [Alias("Begin")]
    Task<IdempotencyClaim> Begin(string scope, string key, string requestHash);

    /// <summary>Records the response of the command that claimed the key, for its retries to replay.</summary>
    [Alias("Complete")]
    Task Complete(string scope, string key, IdempotentResponse response);

    /// <summary>Frees a claimed key whose command failed, so that its retry runs rather than replays a failure.</summary>
    [Alias("Release")]
    Task Release(string scope, string key);
}
