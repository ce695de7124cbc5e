namespace Coordination.Grains.Committees;

/// <summary>
/// What wakes a committee: a reminder at its next due time (<see cref="OverdueSchedule.NextWakeUp"/>),
/// which survives the activation, and a one-shot timer that retries a check that failed sooner.
/// The reminder is written only when its due time changes.
/// </summary>
public sealed class CommitteeWakeUps(IGrainBase grain, CommitteeOptions options)
{
    private const string ReminderName = "committee-overdue";

    private IGrainReminder? _reminder;
    private bool _reminderLookedUp;
    private DateTimeOffset? _reminderDue;
    private IGrainTimer? _retryTimer;

    /// <summary>Sets the reminder due at <paramref name="due"/>, or removes it when nothing is due.</summary>
    public async Task ScheduleAsync(DateTimeOffset? due, DateTimeOffset now)
    {
        if (due is null)
        {
            if (!_reminderLookedUp)
            {
                _reminder = await grain.GetReminder(ReminderName);
                _reminderLookedUp = true;
            }

            if (_reminder is not null)
            {
                await grain.UnregisterReminder(_reminder);
                _reminder = null;
            }

            _reminderDue = null;
            return;
        }

        if (_reminderDue == due)
        {
            return;
        }

        var dueTime = due.Value - now;
        _reminder = await grain.RegisterOrUpdateReminder(
            ReminderName, dueTime > TimeSpan.Zero ? dueTime : TimeSpan.Zero, options.ReminderPeriod);
        _reminderLookedUp = true;
        _reminderDue = due;
    }

    /// <summary>Runs <paramref name="retry"/> once after <see cref="CommitteeOptions.FailedCheckRetry"/>, unless a retry is pending already.</summary>
    public void RetryLater(Func<Task> retry) =>
        _retryTimer ??= grain.RegisterGrainTimer(
            async _ =>
            {
                _retryTimer?.Dispose();
                _retryTimer = null;
                await retry();
            },
            new GrainTimerCreationOptions { DueTime = options.FailedCheckRetry, Period = Timeout.InfiniteTimeSpan });
}
