using Npgsql;

namespace Coordination.Grains.Hosting;

/// <summary>
/// COMMIT was sent but its answer never came (the connection dropped, the command timed out):
/// PostgreSQL may or may not have committed. Whoever holds state derived from the transaction must
/// read it back before trusting it; the caller must not be told that nothing changed.
/// </summary>
public sealed class CommitOutcomeUnknownException(Exception inner)
    : Exception("The database connection was lost while committing; the outcome is unknown.", inner);

public static class CommitOutcome
{
    /// <summary>
    /// Commits; a failure after COMMIT left for the server becomes <see cref="CommitOutcomeUnknownException"/>.
    /// A refusal by the server itself (<see cref="PostgresException"/>) means it rolled back, and passes through.
    /// </summary>
    public static async Task CommitOrUnknownAsync(this NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        try
        {
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (OneRoundTrip.IsLostConnection(ex))
        {
            throw new CommitOutcomeUnknownException(ex);
        }
    }
}
