namespace Coordination.Grains.Hosting;

/// <summary>
/// COMMIT was sent but its answer never came (the connection dropped, the command timed out):
/// PostgreSQL may or may not have committed. Whoever holds state derived from the transaction must
/// read it back before trusting it; the caller must not be told that nothing changed.
/// </summary>
public sealed class CommitOutcomeUnknownException(Exception inner)
    : Exception("The database connection was lost while committing; the outcome is unknown.", inner);
