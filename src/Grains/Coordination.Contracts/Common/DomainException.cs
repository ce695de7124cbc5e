namespace Coordination.Contracts.Common;

public enum DomainErrorKind
{
    Validation,
    NotFound,
    Conflict,
    Forbidden,
    Unavailable,
    Unprocessable,
}

/// <summary>
/// A rule of the domain refused a command. Crosses the grain boundary intact so the web host
/// can turn it into the matching problem-details response (400/404/409/403/422/503).
/// </summary>
[GenerateSerializer, Alias("Coordination.DomainException")]
public sealed class DomainException : Exception
{
    public DomainException(DomainErrorKind kind, string title, string detail, Dictionary<string, string[]>? errors = null)
        : base(detail)
    {
        Kind = kind;
        Title = title;
        Detail = detail;
        Errors = errors;
    }

    [Id(0)] public DomainErrorKind Kind { get; }
    [Id(1)] public string Title { get; }
    [Id(2)] public string Detail { get; }
    [Id(3)] public Dictionary<string, string[]>? Errors { get; }

    public static DomainException NotFound(string what) =>
        new(DomainErrorKind.NotFound, "Not found", $"{what} was not found.");

    public static DomainException Conflict(string detail) =>
        new(DomainErrorKind.Conflict, "Conflict", detail);

    public static DomainException Invalid(string field, string message) =>
        new(DomainErrorKind.Validation, "Invalid request", message, new() { [field] = [message] });

    public static DomainException Forbidden(string detail) =>
        new(DomainErrorKind.Forbidden, "Forbidden", detail);

    /// <summary>A well-formed request the data of the deployment cannot serve (422), named by <paramref name="title"/>.</summary>
    public static DomainException Unprocessable(string title, string detail) =>
        new(DomainErrorKind.Unprocessable, title, detail);

    /// <summary>The database was unreachable before anything was written.</summary>
    public static DomainException Unavailable() =>
        new(DomainErrorKind.Unavailable, "Service temporarily unavailable",
            "The database is not reachable right now. Nothing was changed; retry with the same Idempotency-Key.");

    /// <summary>
    /// The change was sent to the database but its commit was never confirmed: it may have been saved.
    /// A retry with the same Idempotency-Key returns the saved result if it was; a command without one
    /// should be checked (read the case) before it is sent again.
    /// </summary>
    public static DomainException OutcomeUnknown() =>
        new(DomainErrorKind.Unavailable, "Outcome unknown",
            "The connection to the database was lost while the change was being committed, so it may or may not have been saved. " +
            "Retry with the same Idempotency-Key, or read the resource first to see whether the change was made.");
}

/// <summary>
/// The database refused a statement for a reason other than being unavailable (a bug, not bad input).
/// Carries only the SQLSTATE across the grain boundary: the database's own exception types have no
/// Orleans codec, and their details may quote row values.
/// </summary>
[GenerateSerializer, Alias("Coordination.DatabaseFailedException")]
public sealed class DatabaseFailedException : Exception
{
    public DatabaseFailedException(string sqlState)
        : base($"The database refused a statement (SQLSTATE {sqlState}); see the silo's log.")
    {
        SqlState = sqlState;
    }

    [Id(0)] public string SqlState { get; }
}
