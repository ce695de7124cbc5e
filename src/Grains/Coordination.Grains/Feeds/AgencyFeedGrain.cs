using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Notify;
using Coordination.Grains.Hosting;
using Coordination.Grains.Notify;
using Coordination.Grains.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Grains.Feeds;

/// <summary>
/// One agency's feed, and its only writer (<see cref="FeedLog"/>): producers commit the items they
/// cause to their outbox and deliver them here; this grain appends them, serves reads and
/// acknowledgements, pushes what it writes live to the web hosts that watch it
/// (<see cref="FeedWatchers"/>), and escalates items whose acknowledgement deadline passes. Due times
/// live in the database; one timer fires the next of them on time (or retries a check that failed),
/// activation catches up on anything that fell due, or was left in the outbox, while no silo held the
/// feed, and <see cref="DeadlineSweeper"/> activates the feeds with work pending after a restart or a
/// silo's death, and any whose timer or delivery was missed. The same timer and wake-ups carry the
/// notification levels of its items (<c>notify_at</c>): each check hands the levels due to their
/// walkers (<see cref="NotificationWalkGrain"/>) without waiting for them.
/// </summary>
public sealed class AgencyFeedGrain(
    NpgsqlDataSource db,
    SiloWrites writes,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    IOptions<AckOptions> ackOptions,
    IOptions<NotifyOptions> notifyOptions,
    FeedMetrics metrics,
    ILogger<AgencyFeedGrain> logger) : Grain, IAgencyFeedGrain
{

    private readonly RecentItems _recent = new();
    private FeedLog? _log;
    private FeedWatchers? _watchers;
    private IGrainTimer? _timer;
    private IGrainTimer? _lease;
    private DateTimeOffset? _timerDue;
    private int _failedChecks;

    /// <summary>Whether the agency's policy has levels, as last seen: new items are then walked at once, not at the next check.</summary>
    private bool _notifies;

    private string AgencyId => this.GetPrimaryKeyString();

    private FeedWatchers Watchers => _watchers ??= new FeedWatchers(AgencyId, logger);

    private FeedLog Log => _log ??= new FeedLog(AgencyId, writes, ackOptions.Value, clock, Written, logger);

    /// <summary>
    /// Catches up on deadlines that passed while no silo held this feed. Never fails: a failed
    /// activation would refuse every read and notification for seconds, and not with the
    /// database-unavailable 503; a check that fails here is retried instead (see <see cref="CheckOrRetryAsync"/>).
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => CheckQuietlyAsync(cancellationToken);

    public Task<bool> Watch(IFeedObserver observer) => Task.FromResult(Watchers.Watch(observer));

    public Task Unwatch(IFeedObserver observer)
    {
        Watchers.Unwatch(observer);
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<FeedItem>> Since(long afterSeq, int limit)
    {
        try
        {
            var items = await FeedStore.SinceAsync(db, AgencyId, afterSeq, limit);
            _recent.Remember(items);
            return items;
        }
        catch (NpgsqlException) when (_recent.Covers(afterSeq))
        {
            logger.LogWarning("Feed of agency {AgencyId} served from memory after {AfterSeq}: the database is unreachable", AgencyId, afterSeq);
            return _recent.After(afterSeq, limit);
        }
    }

    public async Task<FeedItem?> Acknowledge(Guid itemId, string username)
    {
        var item = await FeedStore.AcknowledgeAsync(db, AgencyId, itemId, username, clock.GetUtcNow());
        if (item is not null)
        {
            _recent.Remember([item]);
            logger.LogInformation("Feed item {ItemId} of agency {AgencyId} acknowledged", itemId, AgencyId);
            Publish([item]);
        }

        return item;
    }

    public async Task Deliver(FeedDelivery delivery)
    {
        try
        {
            await Log.DeliverAsync(delivery);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The change waits in the producer's outbox; catching up soon writes it.
            RetryCheckAfter(ex);
            throw;
        }
    }

    public Task<int> CatchUp() => CheckOrRetryAsync(CancellationToken.None);

    public Task<FeedReservation?> Reserve(FeedDelivery delivery)
    {
        var reservation = Log.Reserve(delivery);
        if (reservation is not null)
        {
            // Interleaved: a catch-up waiting for the reservation to end holds the activation meanwhile.
            _lease = this.RegisterGrainTimer(
                () => Carried(delivery.ChangeId, CarriedOutcome.Unknown, []),
                new GrainTimerCreationOptions { DueTime = FeedCarry.Lease, Period = Timeout.InfiniteTimeSpan, Interleave = true });
        }

        return Task.FromResult(reservation);
    }

    public Task Carried(Guid changeId, CarriedOutcome outcome, IReadOnlyList<FeedItem> settled)
    {
        if (Log.Carried(changeId, outcome, settled))
        {
            _lease?.Dispose();
            _lease = null;
            if (outcome == CarriedOutcome.Unknown)
            {
                // The items may be in the feed, unpushed and untimed: the check reads the head again and arms the next deadline.
                logger.LogWarning("Feed of agency {AgencyId}: change {ChangeId} was carried with an unknown outcome; checking the feed again", AgencyId, changeId);
                _ = CheckQuietlyAsync(CancellationToken.None);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>After each committed write: push its items, count its escalations, time the deadlines.</summary>
    private void Written(FeedWrite written)
    {
        _recent.Remember(written.Changed);
        Publish(written.Changed);
        if (written.Raised > 0)
        {
            metrics.EscalationsRaised(AgencyId, written.Raised - written.Onward.Sum(d => d.Items.Count));
            logger.LogWarning("Agency {AgencyId}: {Count} overdue acknowledgement alerts raised", AgencyId, written.Raised);
        }

        foreach (var delivery in written.Onward)
        {
            metrics.EscalationsRaised(delivery.AgencyId, delivery.Items.Count);
        }

        var open = written.Changed.Where(i => i.RequiresAck && i.AcknowledgedAt is null).ToList();
        var earliest = open.Where(i => i.AckDeadline is not null).Select(i => i.AckDeadline!.Value)
            .Concat(_notifies ? open.Select(i => i.OccurredAt) : Enumerable.Empty<DateTimeOffset>())
            .DefaultIfEmpty()
            .Min();
        if (earliest != default && (_timerDue is null || earliest < _timerDue))
        {
            Schedule(earliest);
        }
    }

    private void Publish(IReadOnlyList<FeedItem> items) => Watchers.Push(items);

    /// <summary>
    /// Escalates what is due and arms the next deadline. If the database cannot be reached, tries again after <see cref="AckOptions.FailedCheckRetry"/>, doubling up to
    /// <see cref="AckOptions.FailedCheckRetryMax"/>, until a check succeeds: a deadline that falls due
    /// during an outage escalates within that bound of the database's return, not at the next sweep.
    /// </summary>
    private async Task<int> CheckOrRetryAsync(CancellationToken cancellationToken)
    {
        try
        {
            var escalated = await CatchUpAsync(cancellationToken);
            _failedChecks = 0;
            return escalated;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RetryCheckAfter(ex);
            throw;
        }
    }

    /// <summary>For callers with nobody to tell of a failure (activation, the timer): it is logged and retried.</summary>
    private async Task CheckQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CheckOrRetryAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Logged, and retried, by CheckOrRetryAsync.
        }
    }

    private void RetryCheckAfter(Exception failure)
    {
        var options = ackOptions.Value;
        var delay = TimeSpan.FromTicks(Math.Min(options.FailedCheckRetryMax.Ticks, options.FailedCheckRetry.Ticks << Math.Min(_failedChecks, 20)));
        _failedChecks++;
        logger.LogWarning("Agency {AgencyId}: checking acknowledgement deadlines failed ({Error}); retrying in {Delay}",
            AgencyId, failure.GetType().Name, delay);
        Schedule(clock.GetUtcNow() + delay);
    }

    /// <summary>Delivers what the outbox holds, escalates every item now past its due time, then waits for the next one.</summary>
    private async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        var raised = 0;
        FeedWrite written;
        do
        {
            written = await Log.CatchUpAsync();
            raised += written.Raised;
            // In the outbox already: a feed not reached now writes its alerts when it catches up.
            await GrainFactory.DeliverAsync(written.Onward, logger);
        }
        while (written.MoreInOutbox);

        try
        {
            var now = clock.GetUtcNow();
            (var due, _notifies) = await NotificationStore.HandOffAsync(db, AgencyId, now, now + notifyOptions.Value.ClaimLease, cancellationToken);
            foreach (var level in due)
            {
                GrainFactory.GetGrain<INotificationWalkGrain>(level.ItemId).Walk(AgencyId, level.Level).Ignore();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The feed's own work is done and stays done; the levels wait for the next check.
            RetryCheckAfter(ex);
            return raised;
        }

        Schedule(await EscalationStore.NextDueAsync(db, AgencyId, cancellationToken));
        return raised;
    }

    public async Task NotificationWalked(Guid itemId, int level, int nextLevel, DateTimeOffset? nextAt)
    {
        await NotificationStore.WalkedAsync(db, AgencyId, itemId, level, nextLevel, nextAt, CancellationToken.None);
        if (nextAt is { } at && (_timerDue is null || at < _timerDue))
        {
            Schedule(at);
        }
    }

    public Task PolicyChanged(bool hasLevels)
    {
        _notifies = hasLevels;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Arms the feed's one timer for <paramref name="due"/> (none when null), replacing whatever it was
    /// armed for. Called last in a timer's own callback when it re-arms: disposing the running timer
    /// cancels that callback's token, and nothing awaits it afterwards.
    /// </summary>
    private void Schedule(DateTimeOffset? due)
    {
        _timer?.Dispose();
        _timer = null;
        _timerDue = due;
        if (due is null)
        {
            return;
        }

        var delay = due.Value - clock.GetUtcNow();
        _timer = this.RegisterGrainTimer(
            async ct => await CheckQuietlyAsync(ct),
            new GrainTimerCreationOptions { DueTime = delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Period = Timeout.InfiniteTimeSpan });
    }
}
