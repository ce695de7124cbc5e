using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Hosting;
using Coordination.Grains.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Grains.Feeds;

/// <summary>
/// One agency's feed. Items are written by whoever causes them, inside their own transaction
/// (see <see cref="FeedStore"/>); this grain serves reads and acknowledgements, pushes items live,
/// and escalates items whose acknowledgement deadline passes. Due times live in the database;
/// a timer fires them on time, a reminder wakes the grain after a restart, and activation catches
/// up on anything that fell due while no silo held it.
/// </summary>
public sealed class AgencyFeedGrain(
    NpgsqlDataSource db,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    IOptions<AckOptions> ackOptions,
    FeedMetrics metrics,
    ILogger<AgencyFeedGrain> logger) : Grain, IAgencyFeedGrain, IRemindable
{
    private const string ReminderName = "ack-deadlines";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private readonly RecentItems _recent = new();
    private IGrainTimer? _deadlineTimer;
    private DateTimeOffset? _timerDue;
    private bool? _reminderRegistered;
    private IGrainTimer? _retryTimer;
    private int _failedChecks;

    private string AgencyId => this.GetPrimaryKeyString();

    /// <summary>
    /// Catches up on deadlines that passed while no silo held this feed. Never fails: a failed
    /// activation would refuse every read and notification for seconds, and not with the
    /// database-unavailable 503; a check that fails here is retried instead (see <see cref="CheckOrRetryAsync"/>).
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => CheckQuietlyAsync(cancellationToken);

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

    public async Task Appended(IReadOnlyList<FeedItem> items)
    {
        _recent.Remember(items);
        Publish(items);
        var earliest = items.Where(i => i.RequiresAck && i.AcknowledgedAt is null && i.AckDeadline is not null)
            .Select(i => i.AckDeadline!.Value)
            .DefaultIfEmpty()
            .Min();
        if (earliest != default && (_timerDue is null || earliest < _timerDue))
        {
            try
            {
                await ScheduleAsync(earliest);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The reminder table is unreachable: the retried check arms the timer from the database.
                RetryCheckAfter(ex);
            }
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckQuietlyAsync(CancellationToken.None);

    public Task<int> EscalateDue() => CheckOrRetryAsync(CancellationToken.None);

    private void Publish(IReadOnlyList<FeedItem> items) =>
        GrainFactory.GetGrain<IDashboardRelayGrain>(0).Publish(AgencyId, items).Ignore();

    /// <summary>
    /// Escalates what is due and arms the next deadline. If the database or the reminder table cannot
    /// be reached, tries again after <see cref="AckOptions.FailedCheckRetry"/>, doubling up to
    /// <see cref="AckOptions.FailedCheckRetryMax"/>, until a check succeeds: a deadline that falls due
    /// during an outage escalates within that bound of the database's return, not at the next sweep.
    /// </summary>
    private async Task<int> CheckOrRetryAsync(CancellationToken cancellationToken)
    {
        try
        {
            _reminderRegistered ??= await this.GetReminder(ReminderName) is not null;
            var escalated = await EscalateDueAsync(cancellationToken);
            _failedChecks = 0;
            return escalated;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RetryCheckAfter(ex);
            throw;
        }
    }

    /// <summary>For callers with nobody to tell of a failure (activation, timers, reminders): it is logged and retried.</summary>
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
        _retryTimer?.Dispose();
        _retryTimer = this.RegisterGrainTimer(
            async ct =>
            {
                // Disposed only afterwards: disposing a timer cancels the token of its running callback.
                var fired = _retryTimer;
                _retryTimer = null;
                await CheckQuietlyAsync(ct);
                fired?.Dispose();
            },
            new GrainTimerCreationOptions { DueTime = delay, Period = Timeout.InfiniteTimeSpan });
    }

    /// <summary>Escalates every item now past its due time, then waits for the next one.</summary>
    private async Task<int> EscalateDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var escalated = await EscalationStore.EscalateDueAsync(db, AgencyId, now, ackOptions.Value, cancellationToken);
        foreach (var group in escalated.GroupBy(e => e.AgencyId))
        {
            var items = group.Select(e => e.Item).ToList();
            metrics.EscalationsRaised(group.Key, items.Count);
            if (group.Key == AgencyId)
            {
                _recent.Remember(items);
                Publish(items);
            }
            else
            {
                GrainFactory.GetGrain<IAgencyFeedGrain>(group.Key).Appended(items).Ignore();
            }
        }

        if (escalated.Count > 0)
        {
            logger.LogWarning("Agency {AgencyId}: {Count} overdue acknowledgement alerts raised", AgencyId, escalated.Count);
        }

        var next = await EscalationStore.NextDueAsync(db, AgencyId, cancellationToken);
        await ScheduleAsync(next);
        return escalated.Count;
    }

    private async Task ScheduleAsync(DateTimeOffset? due)
    {
        _deadlineTimer?.Dispose();
        _deadlineTimer = null;
        _timerDue = due;

        if (due is null)
        {
            if (_reminderRegistered is true)
            {
                var reminder = await this.GetReminder(ReminderName);
                if (reminder is not null)
                {
                    await this.UnregisterReminder(reminder);
                }

                _reminderRegistered = false;
            }

            return;
        }

        if (_reminderRegistered is not true)
        {
            await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
            _reminderRegistered = true;
        }

        var delay = due.Value - clock.GetUtcNow();
        _deadlineTimer = this.RegisterGrainTimer(
            async ct => await CheckQuietlyAsync(ct),
            new GrainTimerCreationOptions { DueTime = delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Period = Timeout.InfiniteTimeSpan });
    }
}
