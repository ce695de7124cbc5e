using Coordination.Contracts.Feeds;
using Coordination.Grains.Observability;
using Npgsql;

namespace Coordination.Grains.Feeds;

/// <summary>
/// One statement of a feed's write. A statement that returns rows (<paramref name="ReturnsRows"/>: a
/// condition's check, a settlement's RETURNING) has a result set of its own in the batch, the others
/// none; a settlement's items are read into <paramref name="Returned"/>.
/// </summary>
public sealed record FeedStatement(NpgsqlBatchCommand Command, bool ReturnsRows = false, List<FeedItem>? Returned = null);

/// <summary>
/// A combined write failed on a statement of some feed's part (a head another activation moved, a
/// key written already): PostgreSQL rolled the whole batch back, so each feed writes its part again
/// on its own, where its own refusal, if it was this feed's, tells it what to do.
/// </summary>
public sealed class CombinedWriteRefusedException(PostgresException refusal)
    : Exception("A combined feed write was refused; each feed writes its part again alone.", refusal);

/// <summary>
/// The silo's feeds' writes to PostgreSQL, combined: each feed grain still decides alone what its
/// write holds (it numbers items from the head it holds, and only it writes its feed), but the
/// writes of the silo's feeds that arrive while one is in flight go to the database together, as one
/// batch and one COMMIT. A flag delivers to one receiving agency's feed among many, so a feed's own
/// write seldom finds a second delivery waiting; the silo's feeds together do, as soon as load grows,
/// which spares PostgreSQL a transaction and a round trip per flag.
/// </summary>
/// <remarks>
/// Parts are written in the order of their agency ids: two silos' combined writes (possible only while
/// a dead silo's feeds are re-activated) take the heads' row locks in one order and cannot deadlock.
/// Only the writes that read nothing first come here (see <see cref="FeedLog"/>): a write that reads
/// (a catch-up, the head after a failure) runs in its own transaction.
/// </remarks>
public sealed class FeedWrites(NpgsqlDataSource db, FeedMetrics metrics)
{
    /// <summary>At most this many statements go in one combined batch; the rest wait for the next.</summary>
    private const int MaxStatements = 2000;

    /// <summary>
    /// Combined batches in flight at once. One: every write that arrives while a batch is in flight
    /// waits for it and goes in the next, so the silo's feeds share commits exactly when flags overlap;
    /// a write that finds none in flight goes at once.
    /// </summary>
    private const int MaxInFlight = 1;

    private readonly List<Part> _queue = [];
    private int _inFlight;

    public NpgsqlDataSource Db => db;

    /// <summary>
    /// Writes one feed's statements; completes once they are committed, with whatever parts were
    /// waiting beside them. Throws <see cref="CombinedWriteRefusedException"/> when the combined batch
    /// was refused (write the part again alone), and what the batch threw when this part went alone.
    /// </summary>
    public Task WriteAsync(string agencyId, IReadOnlyList<FeedStatement> statements)
    {
        var part = new Part(agencyId, statements);
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

    /// <summary>Runs <paramref name="statements"/> as one batch on <paramref name="connection"/>, reading what each returns.</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IEnumerable<FeedStatement> statements)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var all = statements.ToList();
        all.ForEach(s => batch.BatchCommands.Add(s.Command));
        await using var reader = await batch.ExecuteReaderAsync();
        var results = all.Where(s => s.ReturnsRows).ToList();
        for (var i = 0; i < results.Count; i++)
        {
            // One result set per statement that returns rows, in order; one the server refused throws here.
            if (i > 0 && !await reader.NextResultAsync())
            {
                throw new InvalidOperationException($"A feed write's batch returned {i} result sets where {results.Count} were expected.");
            }

            if (results[i].Returned is { } returned)
            {
                while (await reader.ReadAsync())
                {
                    returned.Add(FeedStore.Read(reader));
                }
            }
        }

        // Past the last result: the implicit COMMIT has happened, or its failure is thrown here.
        while (await reader.NextResultAsync())
        {
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
                await ExecuteAsync(connection, null, parts.OrderBy(p => p.AgencyId, StringComparer.Ordinal).SelectMany(p => p.Statements));
                metrics.Committed(parts.Count);
                parts.ForEach(p => p.Done.TrySetResult());
            }
            catch (PostgresException refusal) when (parts.Count > 1)
            {
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

    private sealed record Part(string AgencyId, IReadOnlyList<FeedStatement> Statements)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
