using Coordination.Contracts.Feeds;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Feeds;

/// <summary>What one write of a feed committed.</summary>
/// <param name="Changed">This feed's items appended or settled, to push live and to time.</param>
/// <param name="Onward">Overdue alerts for the feeds of agencies that caused escalated items, in the outbox already.</param>
/// <param name="Raised">How many overdue alerts the write raised, here and onward.</param>
/// <param name="MoreInOutbox">A catch-up found more in the outbox than one write takes.</param>
public sealed record FeedWrite(IReadOnlyList<FeedItem> Changed, IReadOnlyList<FeedDelivery> Onward, int Raised, bool MoreInOutbox = false);

/// <summary>
/// The write side of one agency's feed, held by its grain: the only code that appends to, settles
/// and escalates the feed. Numbers items from the head it holds; writes whatever arrived while the
/// previous write was in flight as one transaction (one COMMIT for the items of many concurrent
/// flags); skips items whose dedupe key the feed holds; and consumes the producers' outbox rows in
/// the same transaction. Its grain runs it on one scheduler; the queue is locked all the same, so
/// that it is correct anywhere (tests drive it from the thread pool).
/// </summary>
/// <remarks>
/// A second activation of the same feed (a silo declared dead while still running) is kept out by
/// the database: every write first moves <c>feed_heads</c> from the head this log holds, so a writer
/// with a stale head waits for the other's COMMIT, finds the head moved, which fails its whole write,
/// and reloads; and the primary key on (agency, seq) refuses a duplicate seq outright. Neither leaves a gap.
/// </remarks>
public sealed class FeedLog(string agencyId, SiloWrites writes, AckOptions ack, TimeProvider clock, Action<FeedWrite> onWritten, ILogger logger)
{
    /// <summary>Outbox rows read per catch-up write; its grain catches up again while more wait.</summary>
    private const int OutboxBatch = 500;

    private const int Attempts = 4;

    private const string DedupeConstraint = "feed_items_agency_id_dedupe_key_key";

    private readonly List<Request> _queue = [];
    private bool _writing;
    private long? _head;

    /// <summary>The numbering a producer is writing in its own transaction (<see cref="Reserve"/>); nothing else is written meanwhile.</summary>
    private FeedReservation? _reserved;

    /// <summary>The changes this log wrote lately, so that a second delivery of one is answered without writing.</summary>
    private readonly RecentChanges _written = new();

    public string AgencyId => agencyId;

    /// <summary>Writes one producer's change to the feed; completes once committed.</summary>
    public Task DeliverAsync(FeedDelivery delivery) => Enqueue(new Request(delivery));

    /// <summary>
    /// Writes what the outbox holds for this feed and escalates what is due; returns the write, whose
    /// <see cref="FeedWrite.Onward"/> alerts the caller hands to the feeds of the agencies concerned.
    /// </summary>
    public Task<FeedWrite> CatchUpAsync() => Enqueue(new Request(null));

    /// <summary>
    /// Numbers <paramref name="delivery"/> from the head held, for its producer to write with its own
    /// change (<see cref="FeedCarry"/>), when nothing is being written or waits and the head is held;
    /// null otherwise. Writes wait until <see cref="Carried"/> reports how the producer's transaction ended.
    /// </summary>
    public FeedReservation? Reserve(FeedDelivery delivery)
    {
        lock (_queue)
        {
            if (_writing || _queue.Count > 0 || _reserved is not null || _head is not { } held || _written.Contains(delivery.ChangeId))
            {
                return null;
            }

            _reserved = new FeedReservation(agencyId, delivery.ChangeId, held,
                FeedCarry.Number(held, delivery.Items, delivery.CausedAt, new HashSet<string>(StringComparer.Ordinal), ack));
            return _reserved;
        }
    }

    /// <summary>
    /// Ends the reservation of <paramref name="changeId"/> (nothing when it ended already): committed, the
    /// head moves past its items, which are acted on as any write's; unknown, the head is read again
    /// before the next write. Then writes what waited. Returns false when no such reservation was held.
    /// </summary>
    public bool Carried(Guid changeId, CarriedOutcome outcome, IReadOnlyList<FeedItem> settled)
    {
        FeedWrite? written = null;
        bool start;
        lock (_queue)
        {
            if (_reserved is not { } reserved || reserved.ChangeId != changeId)
            {
                return false;
            }

            _reserved = null;
            if (outcome == CarriedOutcome.Committed)
            {
                _head = reserved.Head + reserved.Items.Count;
                _written.AddRange([changeId]);
                written = new FeedWrite([.. reserved.Items.Select(i => i.Item), .. settled], [], 0);
            }
            else if (outcome == CarriedOutcome.Unknown)
            {
                _head = null;
            }

            start = _queue.Count > 0 && !_writing;
            _writing |= start;
        }

        if (written is not null)
        {
            Tell(written);
        }

        if (start)
        {
            _ = WriteQueuedAsync();
        }

        return true;
    }

    private Task<FeedWrite> Enqueue(Request request)
    {
        bool start;
        lock (_queue)
        {
            _queue.Add(request);
            start = !_writing && _reserved is null;
            _writing |= start;
        }

        if (start)
        {
            _ = WriteQueuedAsync();
        }

        return request.Done.Task;
    }

    /// <summary>Writes what is queued, as one write, until nothing is; never throws (each request learns its outcome).</summary>
    private async Task WriteQueuedAsync()
    {
        while (true)
        {
            List<Request> requests;
            lock (_queue)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }

                requests = [.. _queue];
                _queue.Clear();
            }

            try
            {
                var written = await WriteWithRetriesAsync(requests);
                requests.ForEach(r => r.Done.TrySetResult(written));
                Tell(written);
            }
            catch (Exception ex)
            {
                requests.ForEach(r => r.Done.TrySetException(ex));
            }
        }
    }

    /// <summary>What is committed stays committed: a failure to act on it afterwards is logged, not reported to the writers.</summary>
    private void Tell(FeedWrite written)
    {
        try
        {
            onWritten(written);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Feed of agency {AgencyId}: acting on a committed write failed", agencyId);
        }
    }

    /// <summary>
    /// Writes the requests, first optimistically: a change is written once, and its outbox rows go
    /// with it, so the first attempt skips looking its keys up. A key the feed holds already (a re-delivery)
    /// then fails the write on the unique key, and it is written again after looking them up; a head
    /// another activation moved is reloaded and the write made again; a combined write that another
    /// feed's part failed is made again alone.
    /// </summary>
    private async Task<FeedWrite> WriteWithRetriesAsync(IReadOnlyList<Request> requests)
    {
        var lookUpKeys = false;
        var alone = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await WriteAsync(requests, lookUpKeys, alone);
            }
            catch (CombinedWriteRefusedException) when (!alone)
            {
                // Nothing was written; whose part failed the batch shows when this one goes alone.
                alone = true;
                attempt--;
            }
            catch (Exception ex)
            {
                // Whatever failed, the head held may no longer be the stored one.
                _head = null;
                if (attempt == Attempts || ex is not PostgresException refused
                    || refused.SqlState != PostgresErrorCodes.UniqueViolation && !refused.Failed(FeedStore.HeadMoved))
                {
                    throw;
                }

                if (ex is PostgresException { ConstraintName: DedupeConstraint } && !lookUpKeys)
                {
                    lookUpKeys = true;
                }
                else
                {
                    logger.LogWarning("Feed of agency {AgencyId} was written by another activation; reloading its head and writing again", agencyId);
                }
            }
        }
    }

    /// <summary>
    /// Deliveries to a feed whose head is held need nothing read first: their statements go to the
    /// silo's combined writes (<see cref="SiloWrites"/>), committed with whatever other grains write
    /// meanwhile. Reading first (the head, the outbox, what is due, the keys held) takes a transaction
    /// of this feed's own around the reads and the write; so does a write made again <paramref name="alone"/>.
    /// </summary>
    private async Task<FeedWrite> WriteAsync(IReadOnlyList<Request> requests, bool lookUpKeys, bool alone)
    {
        var now = clock.GetUtcNow();
        // A change written already (a catch-up took it from the outbox while its hand-off was on its way)
        // is not written again: its items are in the feed, and writing them would only fail on their keys.
        var delivered = requests.Select(r => r.Delivery).OfType<FeedDelivery>().Where(d => !_written.Contains(d.ChangeId)).ToList();
        if (requests.All(r => r.Delivery is not null) && !lookUpKeys && _head is { } held)
        {
            if (delivered.Count == 0)
            {
                return new FeedWrite([], [], 0);
            }

            var plan = FeedWritePlan.Of(agencyId, ack, held, delivered, EscalationStore.Escalation.None, [], new HashSet<string>(), now);
            if (alone)
            {
                await writes.WriteAloneAsync(plan.Statements);
            }
            else
            {
                await writes.WriteAsync(WriteOwner.Feed(agencyId), plan.Statements);
            }

            _head = held + plan.Appended.Count;
            _written.AddRange(delivered.Select(d => d.ChangeId));
            return plan.Written([], 0, more: false);
        }

        await using var connection = await writes.Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var head = _head ?? await FeedStore.HeadAsync(connection, transaction, agencyId, default);
        var deliveries = new List<FeedDelivery>();
        var escalation = EscalationStore.Escalation.None;
        IReadOnlyList<FeedDelivery> onward = [];
        var more = false;
        if (requests.Any(r => r.Delivery is null))
        {
            (var waiting, more) = await FeedStore.OutboxAsync(connection, transaction, agencyId, OutboxBatch, default);
            deliveries.AddRange(waiting);
            escalation = await EscalationStore.DueAsync(connection, transaction, agencyId, now, ack, default);
            onward = FeedDelivery.Of(Guid.CreateVersion7(now), now, [], escalation.Onward);
        }

        var drained = deliveries.Select(d => d.ChangeId).ToHashSet();
        deliveries.AddRange(delivered.Where(d => !drained.Contains(d.ChangeId)));
        if (deliveries.Count == 0 && escalation.Raised == 0)
        {
            // Nothing to write: a read that activated the feed leaves the database as it was.
            _head = head;
            return new FeedWrite([], [], 0);
        }

        var keys = escalation.Own.Concat(deliveries.SelectMany(d => d.Items)).Select(i => i.DedupeKey).ToHashSet(StringComparer.Ordinal);
        var existing = lookUpKeys
            ? await FeedStore.ExistingKeysAsync(connection, transaction, agencyId, keys, default)
            : new HashSet<string>();
        var planned = FeedWritePlan.Of(agencyId, ack, head, deliveries, escalation, onward, existing, now);
        await SiloWrites.ExecuteAsync(connection, transaction, planned.Statements);
        await transaction.CommitAsync();

        _head = head + planned.Appended.Count;
        _written.AddRange(deliveries.Select(d => d.ChangeId));
        return planned.Written(onward, escalation.Raised, more);
    }

    private sealed record Request(FeedDelivery? Delivery)
    {
        public TaskCompletionSource<FeedWrite> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
