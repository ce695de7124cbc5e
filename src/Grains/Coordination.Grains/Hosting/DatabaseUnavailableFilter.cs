using Coordination.Contracts.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Hosting;

/// <summary>
/// Turns "PostgreSQL is down or too slow" into a <see cref="DomainException"/> of kind Unavailable
/// at the grain boundary: the caller gets a retryable 503 instead of an exception type that does
/// not cross the wire, and no grain needs its own catch for it.
/// </summary>
public sealed class DatabaseUnavailableFilter(ILogger<DatabaseUnavailableFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (IsDatabaseUnavailable(ex))
        {
            logger.LogWarning("{Grain}.{Method}: database unavailable ({Error})", context.TargetId, context.MethodName, ex.GetType().Name);
            throw new DomainException(DomainErrorKind.Unavailable, "Service temporarily unavailable",
                "The database is not reachable right now. Nothing was changed; retry with the same Idempotency-Key.");
        }
    }

    private static bool IsDatabaseUnavailable(Exception ex) => ex switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("57P", StringComparison.Ordinal), // admin shutdown, cannot connect now
        NpgsqlException => true,
        TimeoutException => true,
        _ => false,
    };
}
