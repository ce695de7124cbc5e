using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coordination.Contracts.Common;
using Coordination.Contracts.Idempotency;
using Coordination.Web.Auth;
using Coordination.Web.Errors;

namespace Coordination.Web.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> for commands: the first request with a key runs and its 2xx response is
/// kept; a retry with the same key and the same request gets that response again and changes
/// nothing; the same key with a different request is a 409. A request still running (or whose
/// host died mid-way) holds the key for a lease, after which a retry may run it. The keys are kept
/// by <see cref="IIdempotencyGrain"/>; this filter is the HTTP half: the header, the request's
/// fingerprint and the replayed response.
/// </summary>
public sealed class IdempotencyFilter(IClusterClient cluster, ILogger<IdempotencyFilter> logger) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return await next(context);
        }

        if (key.Length > MaxKeyLength || key.Any(char.IsControl))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [Header] = [$"At most {MaxKeyLength} printable characters."],
            });
        }

        var scope = Scope(http);
        var hash = Hash(http, context.Arguments);
        var cancellationToken = http.RequestAborted;

        var keys = cluster.GetGrain<IIdempotencyGrain>(0);
        var claim = await keys.Begin(scope, key, hash).WaitAsync(cancellationToken);
        switch (claim.Kind)
        {
            case IdempotencyClaimKind.DifferentRequest:
                return Conflict("This Idempotency-Key was already used with a different request.");
            case IdempotencyClaimKind.Replay:
                if (claim.Response!.Location is { } location)
                {
                    http.Response.Headers.Location = location;
                }

                return TypedResults.Text(claim.Response.Body ?? string.Empty, "application/json", Encoding.UTF8, claim.Response.Status);
            case IdempotencyClaimKind.InProgress:
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(claim.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Conflict("A request with this Idempotency-Key is still being processed; retry shortly.");
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await ReleaseAsync(keys, scope, key);
            throw;
        }

        var outcome = result is INestedHttpResult nested ? nested.Result : result;
        var statusCode = (outcome as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        if (statusCode is >= 200 and < 300)
        {
            var body = outcome is IValueHttpResult { Value: { } value } ? JsonSerializer.Serialize(value, value.GetType(), ResponseJson(http)) : null;
            var location = LocationOf(outcome);
            try
            {
                await keys.Complete(scope, key, new IdempotentResponse(statusCode, location, body)).WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (ProblemHandling.IsUnavailable(ex))
            {
                // The command took effect: answer it. The key keeps its lease, so a retry of this
                // request is told to wait, and runs again only once the lease has run out.
                logger.LogWarning("The response to {Method} {Path} was not recorded for its Idempotency-Key ({Error})", http.Request.Method, http.Request.Path, ex.GetType().Name);
            }
        }
        else
        {
            await ReleaseAsync(keys, scope, key);
        }

        return result;
    }

    private static string Scope(HttpContext http) =>
        http.User.FindFirst(CoordinationClaims.Agency)?.Value is { } agency
            ? IdempotencyScope.Agency(agency)
            : IdempotencyScope.User(http.User.FindFirst(CoordinationClaims.Username)?.Value ?? string.Empty);

    /// <summary>The Idempotency-Key an endpoint that handles its own key was sent, checked like the filter checks it.</summary>
    public static string? ReadKey(RequestErrors errors, string? value) => errors.Text(Header, value, MaxKeyLength, required: false);

    /// <summary>
    /// Fingerprint of a request (a validated command as the project's JSON, or text as it is): a retry
    /// must send the same request to reuse its key.
    /// </summary>
    public static string Fingerprint(object request) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            request as string ?? JsonSerializer.Serialize(request, request.GetType(), CoordinationJson.Options))));

    /// <summary>The request as the endpoint saw it: method, route and bound arguments.</summary>
    private static string Hash(HttpContext http, IList<object?> arguments)
    {
        // Request bodies are the product's own DTOs; services and the HttpContext are not part of the request.
        var parts = arguments
            .Where(a => a?.GetType().Namespace?.StartsWith("Coordination.", StringComparison.Ordinal) == true)
            .Select(a => JsonSerializer.Serialize(a, a!.GetType(), CoordinationJson.Options));
        return Fingerprint($"{http.Request.Method} {http.Request.Path}\n{string.Join('\n', parts)}");
    }

    private static JsonSerializerOptions ResponseJson(HttpContext http) =>
        http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

    // Created<T> and CreatedAtRoute<T> expose Location without a common interface.
    private static string? LocationOf(object? result) =>
        result?.GetType().GetProperty("Location")?.GetValue(result) as string;

    private static IResult Conflict(string detail) =>
        TypedResults.Problem(title: "Idempotency conflict", detail: detail, statusCode: StatusCodes.Status409Conflict);

    /// <summary>A failed request frees its key: the retry should run, not replay a failure.</summary>
    private static async Task ReleaseAsync(IIdempotencyGrain keys, string scope, string key)
    {
        try
        {
            await keys.Release(scope, key);
        }
        catch (Exception ex) when (ProblemHandling.IsUnavailable(ex))
        {
            // The lease expires by itself.
        }
    }
}

public static class IdempotencyExtensions
{
    /// <summary>Makes a creating POST honour <c>Idempotency-Key</c>.</summary>
    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotencyFilter>();
}
