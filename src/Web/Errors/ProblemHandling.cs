using Coordination.Contracts.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Coordination.Web.Errors;

/// <summary>
/// Turns every failure into RFC 9457 problem details: domain refusals into 400/403/404/409, unreadable
/// requests into 400/413/415, an unreachable database or cluster into 503 — never a 500 for bad input.
/// </summary>
public sealed class ProblemHandling(IProblemDetailsService problems, ILogger<ProblemHandling> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            DomainException domain => FromDomain(domain),
            // A grain that failed to activate (its state could not be read) arrives wrapped by Orleans.
            OrleansException { InnerException: DomainException domain } => FromDomain(domain),
            BadHttpRequestException { InnerException: System.Text.Json.JsonException { Path.Length: > 1 } json } bad => new ValidationProblemDetails(
                new Dictionary<string, string[]> { [FieldOf(json)] = [ExplainField(json)] })
            {
                Status = bad.StatusCode,
                Title = "Malformed request",
                Detail = Describe(bad),
            },
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "Request body too large",
                    StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
                    _ => "Malformed request",
                },
                Detail = Describe(bad),
            },
            // A cancellation the client did not ask for is the cluster giving up on the call (messages
            // that expired before a survivor could place the grain of a dead silo).
            _ when IsUnavailable(exception) || (exception is OperationCanceledException && !http.RequestAborted.IsCancellationRequested) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service temporarily unavailable",
                // Not "nothing was changed": a call that timed out, or whose silo died, may have taken effect.
                Detail = "The database or the cluster is not reachable right now, or did not answer in time, so the request may not have taken effect. Retry with the same Idempotency-Key.",
            },
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
            return false;
        }

        if (problem.Status >= 500)
        {
            logger.LogWarning("{Method} {Path} unavailable: {Error}", http.Request.Method, http.Request.Path, exception.GetType().Name);
            http.Response.Headers.RetryAfter = "5";
        }

        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails FromDomain(DomainException e)
    {
        var status = e.Kind switch
        {
            DomainErrorKind.Validation => StatusCodes.Status400BadRequest,
            DomainErrorKind.NotFound => StatusCodes.Status404NotFound,
            DomainErrorKind.Conflict => StatusCodes.Status409Conflict,
            DomainErrorKind.Forbidden => StatusCodes.Status403Forbidden,
            DomainErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
            _ => StatusCodes.Status503ServiceUnavailable,
        };
        return e.Errors is { Count: > 0 }
            ? new ValidationProblemDetails(e.Errors) { Status = status, Title = e.Title, Detail = e.Detail }
            : new ProblemDetails { Status = status, Title = e.Title, Detail = e.Detail };
    }

    // The framework's message names the parameter and the JSON error; the inner JsonException says where.
    private static string Describe(BadHttpRequestException bad) =>
        bad.InnerException is System.Text.Json.JsonException json ? $"{bad.Message} {json.Message}" : bad.Message;

    /// <summary>The field a JSON error is about, in the same dotted form as validation errors ("person.birthYear").</summary>
    private static string FieldOf(System.Text.Json.JsonException json) =>
        string.Join('.', json.Path!.TrimStart('$').TrimStart('.').Split('.').Select(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName));

    private static string ExplainField(System.Text.Json.JsonException json) =>
        json.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? "Not a field of this request."
            : "Not a valid value for this field (check its type, or the allowed values of an enumeration).";

    /// <summary>
    /// The database or the cluster could not be reached, or did not answer in time: a 503. Grains
    /// report an unreachable database as <see cref="DomainErrorKind.Unavailable"/>; the rest is the
    /// cluster failing the call.
    /// </summary>
    public static bool IsUnavailable(Exception e) => e switch
    {
        DomainException { Kind: DomainErrorKind.Unavailable } => true,
        TimeoutException or SiloUnavailableException or OrleansMessageRejectionException => true,
        // A silo that died or froze under the call.
        Orleans.Runtime.Messaging.ConnectionFailedException => true,
        // The grain directory refusing to register the activation on a silo being declared dead, so
        // the call never ran ("Trying to register ... on invalid silo ... Known status: Dead").
        OrleansException { InnerException: null } when e.GetType() == typeof(OrleansException)
            && e.StackTrace?.Contains("Orleans.Runtime.GrainDirectory.", StringComparison.Ordinal) == true => true,
        OrleansException { InnerException: { } inner } => IsUnavailable(inner),
        AggregateException { InnerException: { } inner } => IsUnavailable(inner),
        _ => false,
    };
}
