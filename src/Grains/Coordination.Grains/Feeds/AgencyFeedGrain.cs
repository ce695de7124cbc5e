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
    private bool _reminderRegistered;

    private string AgencyId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _reminderRegistered = await this.GetReminder(ReminderName) is not null;
        await EscalateDueAsync(cancellationToken);
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
            await ScheduleAsync(earliest);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => EscalateDueAsync(CancellationToken.None);

    public Task<int> EscalateDue() => EscalateDueAsync(CancellationToken.None);

    private void Publish(IReadOnlyList<FeedItem> items) =>
        GrainFactory.GetGrain<IDashboardRelayGrain>(0).Publish(AgencyId, items).Ignore();

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
            if (_reminderRegistered)
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

        if (!_reminderRegistered)
        {
            await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
            _reminderRegistered = true;
        }

        var delay = due.Value - clock.GetUtcNow();
        _deadlineTimer = this.RegisterGrainTimer(
            async ct => await EscalateDueAsync(ct),
            new GrainTimerCreationOptions { DueTime = delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Period = Timeout.InfiniteTimeSpan });
    }
}
