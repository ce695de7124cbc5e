using Coordination.Contracts.Common;
using Npgsql;

namespace Coordination.Grains.Hosting;

/// <summary>
/// The one reading of a database failure for the grain boundary: PostgreSQL down or too slow is a
/// retryable <see cref="DomainException.Unavailable"/>, any other refusal a
/// <see cref="DatabaseFailedException"/> carrying only the SQLSTATE. Npgsql's exception types have no
/// Orleans codec (and their details may quote row values), so none may cross it.
/// </summary>
public static class DatabaseFailures
{
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("57P", StringComparison.Ordinal), // admin shutdown, cannot connect now
        NpgsqlException => true,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>The exception to throw instead of <paramref name="ex"/>, or null when it may pass as it is.</summary>
    public static Exception? Translate(Exception ex) => ex switch
    {
        _ when IsUnavailable(ex) => DomainException.Unavailable(),
        PostgresException pg => new DatabaseFailedException(pg.SqlState),
        _ => null,
    };
}
