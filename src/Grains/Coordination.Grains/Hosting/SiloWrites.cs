using Coordination.Grains.Observability;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Hosting;

/// <summary>
/// One statement of a write. A statement that returns rows (<paramref name="ReturnsRows"/>: a
/// condition's check, a settlement's RETURNING) has a result set of its own in the batch, the others
/// none; when <paramref name="Read"/> is given, it is called on each of the statement's rows.
/// </summary>
public sealed record WriteStatement(
    NpgsqlBatchCommand Command, bool ReturnsRows = false, Action<NpgsqlDataReader>? Read = null)
{
    /// <summary>A statement that fails the batch unless it changed a row (<see cref="OneRoundTrip.Require"/>).</summary>
    public static WriteStatement Required(NpgsqlBatchCommand command) => new(command, ReturnsRows: true);
}

/// <summary>What a write's owner is, in the order combined writes take them.</summary>
public enum WriteKind
{
    Feed,
    Case,
}

/// <summary>Whose write a part of a combined write is: one feed's, one case's.</summary>
public readonly record struct WriteOwner(WriteKind Kind, string Id)
{
    public static WriteOwner Feed(string agencyId) => new(WriteKind.Feed, agencyId);

    public static WriteOwner Case(string caseId) => new(WriteKind.Case, caseId);
}

/// <summary>
/// A combined write failed on a statement of some writer's part (a head another activation moved, a
/// key written already, a case version that moved): PostgreSQL rolled the whole batch back, so each
/// writer makes its part again on its own, where its own refusal, if it was this part's, tells it what to do.
/// </summary>
public sealed class CombinedWriteRefusedException(PostgresException refusal)
    : Exception("A combined write was refused; each writer makes its part again alone.", refusal);

/// <summary>
/// The silo's writes to PostgreSQL, combined: each grain still decides alone what its write holds (a
/// case its row, events and outbox; a feed its numbered items), and is still the only writer of
/// what it owns, but the writes of the silo's grains that arrive while two are in flight go to the
/// database together, as one batch and one implicit transaction (<see cref="OneRoundTrip"/>). A write
/// that finds fewer in flight goes at once, so at low load nothing waits; as flags overlap, the cases'
/// and the feeds' writes share commits, which spares PostgreSQL a transaction and every process a round
/// trip per write.
/// </summary>
/// <remarks>
/// <para>Parts are written in the order of their owners (<see cref="WriteOwner"/>: feeds, then cases,
/// each by id): two silos' combined writes (both touching one row only while a dead silo's grains are
/// re-activated) take row locks in one order. Should they meet anyway, PostgreSQL's deadlock
/// detection refuses one batch, and its parts are made again alone. Feeds go first because only their
/// statements read what they return: whatever follows cannot shift which result set is whose.</para>
/// <para>Only writes that read nothing first come here: a write that reads (a feed's catch-up, a head
/// after a failure) runs in its own transaction.</para>
/// </remarks>
public sealed class SiloWrites(NpgsqlDataSource db, WriteMetrics metrics, ILogger<SiloWrites> logger)
{
    /// <summary>At most this many statements go in one combined batch; the rest wait for the next.</summary>
    private const int MaxStatements = 2000;

    /// <summary>
    /// Combined batches in flight at once. A write that arrives while this many are in flight waits
    /// and goes in the next, so writes share commits exactly when they overlap. Two, not one: with one,
    /// a single slow commit (a checkpoint's flush) held every write of the silo behind it, and flag
    /// latency at half load reached a second at p99 (89 ms with two). Two batches in flight never hold
    /// parts of one owner (a case or feed writes one change at a time), and take row locks in one order.
    /// </summary>
    private const int MaxInFlight = 2;

    private readonly List<Part> _queue = [];
    private int _inFlight;

    public NpgsqlDataSource Db => db;

    /// <summary>
    /// Writes one owner's statements; completes once they are committed, with whatever parts were
    /// waiting beside them. Throws <see cref="CombinedWriteRefusedException"/> when the combined batch
    /// was refused (make the part again alone: <see cref="WriteAloneAsync"/>), what the server refused
    /// when this part went alone, and <see cref="CommitOutcomeUnknownException"/> when the batch's answer was lost.
    /// </summary>
    public Task WriteAsync(WriteOwner owner, IReadOnlyList<WriteStatement> statements)
    {
        var part = new Part(owner, statements);
        bool start;
        lock (_queue)
        {
            _queue.Add(part);
            start = _inFlight < MaxInFlight;
            if (start)
            {
                _inFlight++;
            }
        }

        if (start)
        {
            _ = Task.Run(WriteQueuedAsync);
        }

        return part.Done.Task;
    }

    /// <summary>Writes <paramref name="statements"/> in a batch of their own, on a connection of their own.</summary>
    public async Task WriteAloneAsync(IReadOnlyList<WriteStatement> statements, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await CommitAsync(connection, statements, cancellationToken);
    }

    /// <summary>Runs <paramref name="statements"/> as one batch on <paramref name="connection"/>, reading what each returns.</summary>
    public static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IEnumerable<WriteStatement> statements, CancellationToken cancellationToken = default)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var all = statements.ToList();
        all.ForEach(s => batch.BatchCommands.Add(s.Command));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var results = all.Where(s => s.ReturnsRows).ToList();
        for (var i = 0; i < results.Count; i++)
        {
            // One result set per statement that returns rows, in order; one the server refused throws here.
            if (i > 0 && !await reader.NextResultAsync(cancellationToken))
            {
                throw new InvalidOperationException($"A write's batch returned {i} result sets where {results.Count} were expected.");
            }

            if (results[i].Read is { } read)
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    read(reader);
                }
            }
        }

        // Past the last result: the implicit COMMIT has happened, or its failure is thrown here.
        while (await reader.NextResultAsync(cancellationToken))
        {
        }
    }

    /// <summary>
    /// <see cref="ExecuteAsync"/> with no explicit transaction, so the batch commits when it ends: once
    /// it is sent, a lost connection leaves the outcome unknown (<see cref="CommitOutcomeUnknownException"/>).
    /// </summary>
    private static async Task CommitAsync(NpgsqlConnection connection, IEnumerable<WriteStatement> statements, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(connection, null, statements, cancellationToken);
        }
        catch (Exception ex) when (OneRoundTrip.IsLostConnection(ex))
        {
            throw new CommitOutcomeUnknownException(ex);
        }
    }

    private async Task WriteQueuedAsync()
    {
        while (true)
        {
            List<Part> parts;
            lock (_queue)
            {
                if (_queue.Count == 0)
                {
                    _inFlight--;
                    return;
                }

                parts = Take();
            }

            try
            {
                await using var connection = await db.OpenConnectionAsync();
                await CommitAsync(connection, parts.OrderBy(p => p.Owner.Kind).ThenBy(p => p.Owner.Id, StringComparer.Ordinal).SelectMany(p => p.Statements), default);
                metrics.Committed(parts.Count);
                parts.ForEach(p => p.Done.TrySetResult());
            }
            catch (PostgresException refusal) when (parts.Count > 1)
            {
                metrics.Refused(parts.Count);
                logger.LogInformation("A combined write of {Parts} parts was refused ({SqlState} {Constraint}: {Condition}); each part is made again alone",
                    parts.Count, refusal.SqlState, refusal.ConstraintName, refusal.SqlState == OneRoundTrip.ConditionFailed ? refusal.MessageText : null);
                parts.ForEach(p => p.Done.TrySetException(new CombinedWriteRefusedException(refusal)));
            }
            catch (Exception ex)
            {
                parts.ForEach(p => p.Done.TrySetException(ex));
            }
        }
    }

    /// <summary>The queued parts, up to <see cref="MaxStatements"/> (always at least one); the rest stay queued.</summary>
    private List<Part> Take()
    {
        var taken = new List<Part>();
        var statements = 0;
        foreach (var part in _queue)
        {
            if (taken.Count > 0 && statements + part.Statements.Count > MaxStatements)
            {
                break;
            }

            taken.Add(part);
            statements += part.Statements.Count;
        }

        _queue.RemoveRange(0, taken.Count);
        return taken;
    }

    private sealed record Part(WriteOwner Owner, IReadOnlyList<WriteStatement> Statements)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
