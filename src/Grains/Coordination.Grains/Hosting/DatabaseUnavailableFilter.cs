using Coordination.Contracts.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Hosting;

/// <summary>
/// Turns database failures into exceptions that cross the grain boundary: "PostgreSQL is down or too
/// slow" and "the commit's answer was lost" become a <see cref="DomainException"/> of kind Unavailable
/// (a retryable 503 that says which of the two it was), any other refusal a
/// <see cref="DatabaseFailedException"/>. Npgsql's own exception types have no Orleans codec, so
/// none may pass, and no grain needs its own catch for them.
/// </summary>
public sealed class DatabaseUnavailableFilter(ILogger<DatabaseUnavailableFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (CommitOutcomeUnknownException ex)
        {
            logger.LogWarning("{Grain}.{Method}: commit not confirmed, outcome unknown ({Error})",
                context.TargetId, context.MethodName, ex.InnerException?.GetType().Name);
            throw DomainException.OutcomeUnknown();
        }
        catch (Exception ex) when (IsDatabaseUnavailable(ex))
        {
            logger.LogWarning("{Grain}.{Method}: database unavailable ({Error})", context.TargetId, context.MethodName, ex.GetType().Name);
            throw DomainException.Unavailable();
        }
        catch (PostgresException ex)
        {
            logger.LogError(ex, "{Grain}.{Method}: the database refused a statement ({SqlState})", context.TargetId, context.MethodName, ex.SqlState);
            throw new DatabaseFailedException(ex.SqlState);
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
