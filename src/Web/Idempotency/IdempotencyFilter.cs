using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coordination.Contracts.Common;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Npgsql;

namespace Coordination.Web.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> for commands: the first request with a key runs and its 2xx response is
/// kept; a retry with the same key and the same request gets that response again and changes
/// nothing; the same key with a different request is a 409. A request still running (or whose
/// host died mid-way) holds the key for <see cref="Lease"/>, after which a retry may run it.
/// </summary>
public sealed class IdempotencyFilter(NpgsqlDataSource db, TimeProvider clock) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

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

        var claimed = await TryClaimAsync(scope, key, hash, cancellationToken);
        if (!claimed)
        {
            var previous = await FindAsync(scope, key, cancellationToken);
            if (previous is null)
            {
                claimed = await TryClaimAsync(scope, key, hash, cancellationToken);
            }
            else if (previous.Value.Hash != hash)
            {
                return Conflict("This Idempotency-Key was already used with a different request.");
            }
            else if (previous.Value.Status is { } status)
            {
                if (previous.Value.Location is { } location)
                {
                    http.Response.Headers.Location = location;
                }

                return TypedResults.Text(previous.Value.Body ?? string.Empty, "application/json", Encoding.UTF8, status);
            }
            else
            {
                claimed = await TryTakeOverAsync(scope, key, cancellationToken);
                if (!claimed)
                {
                    http.Response.Headers.RetryAfter = ((int)Lease.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return Conflict("A request with this Idempotency-Key is still being processed; retry shortly.");
                }
            }
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await ReleaseAsync(scope, key);
            throw;
        }

        var outcome = result is INestedHttpResult nested ? nested.Result : result;
        var statusCode = (outcome as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        if (statusCode is >= 200 and < 300)
        {
            var body = outcome is IValueHttpResult { Value: { } value } ? JsonSerializer.Serialize(value, value.GetType(), ResponseJson(http)) : null;
            var location = LocationOf(outcome);
            await CompleteAsync(scope, key, statusCode, location, body, cancellationToken);
        }
        else
        {
            await ReleaseAsync(scope, key);
        }

        return result;
    }

    private static string Scope(HttpContext http) =>
        http.User.FindFirst(CoordinationClaims.Agency)?.Value is { } agency
            ? $"agency:{agency}"
            : $"user:{http.User.FindFirst(CoordinationClaims.Username)?.Value}";

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

    private async Task<bool> TryClaimAsync(string scope, string key, string hash, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO idempotent_requests (scope, key, request_hash, started_at) VALUES (@scope, @key, @hash, @now) ON CONFLICT DO NOTHING");
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("hash", hash);
        command.Parameters.AddWithValue("now", clock.GetUtcNow().UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<bool> TryTakeOverAsync(string scope, string key, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "UPDATE idempotent_requests SET started_at = @now WHERE scope = @scope AND key = @key AND status IS NULL AND started_at < @expired");
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("now", clock.GetUtcNow().UtcDateTime);
        command.Parameters.AddWithValue("expired", (clock.GetUtcNow() - Lease).UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<(string Hash, int? Status, string? Location, string? Body)?> FindAsync(string scope, string key, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "SELECT request_hash, status, location, body FROM idempotent_requests WHERE scope = @scope AND key = @key");
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt32(1),
            reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    private async Task CompleteAsync(string scope, string key, int status, string? location, string? body, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "UPDATE idempotent_requests SET status = @status, location = @location, body = @body WHERE scope = @scope AND key = @key");
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("location", NpgsqlTypes.NpgsqlDbType.Text, (object?)location ?? DBNull.Value);
        command.Parameters.AddWithValue("body", NpgsqlTypes.NpgsqlDbType.Text, (object?)body ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A failed request frees its key: the retry should run, not replay a failure.</summary>
    private async Task ReleaseAsync(string scope, string key)
    {
        try
        {
            await using var command = db.CreateCommand("DELETE FROM idempotent_requests WHERE scope = @scope AND key = @key AND status IS NULL");
            command.Parameters.AddWithValue("scope", scope);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
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
