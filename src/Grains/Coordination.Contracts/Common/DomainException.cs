namespace Coordination.Contracts.Common;

public enum DomainErrorKind
{
    Validation,
    NotFound,
    Conflict,
    Forbidden,
    Unavailable,
}

/// <summary>
/// A rule of the domain refused a command. Crosses the grain boundary intact so the web host
/// can turn it into the matching problem-details response (400/404/409/403/503).
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
}
