using Coordination.Contracts.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Hosting;

/// <summary>
/// Turns database failures into exceptions that cross the grain boundary: "PostgreSQL is down or too
/// slow" and "the commit's answer was lost" become a <see cref="DomainException"/> of kind Unavailable
/// (a retryable 503 that says which of the two it was), any other refusal a
/// <see cref="DatabaseFailedException"/> (<see cref="DatabaseFailures"/>). Npgsql's own exception types
/// have no Orleans codec, so none may pass, and no grain needs its own catch for them. State that
/// Orleans loads during activation, outside any grain call, is covered by
/// <see cref="DatabaseFailureTranslatingStorage"/>.
/// </summary>
public sealed class DatabaseUnavailableFilter(NpgsqlDataSource dataSource, ILogger<DatabaseUnavailableFilter> logger) : IIncomingGrainCallFilter
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
        catch (Exception ex) when (DatabaseFailures.IsUnavailable(ex))
        {
            logger.LogWarning("{Grain}.{Method}: database unavailable ({Error})", context.TargetId, context.MethodName, ex.GetType().Name);
            // The pool's idle connections died with the database: drop them all now, so that once it is
            // back each of them does not fail one more command first.
            dataSource.Clear();
            throw DomainException.Unavailable();
        }
        catch (PostgresException ex)
        {
            logger.LogError(ex, "{Grain}.{Method}: the database refused a statement ({SqlState})", context.TargetId, context.MethodName, ex.SqlState);
            throw new DatabaseFailedException(ex.SqlState);
        }
    }
}
