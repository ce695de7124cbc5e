namespace Coordination.Tests.Integration.ProviderGrains;

/// <summary>A grain that registers one reminder and counts, in memory, the ticks this activation received.</summary>
public interface IProviderReminderGrain : IGrainWithStringKey
{
    Task Start(TimeSpan dueTime, TimeSpan period);

    Task<int> GetTicksSeenByThisActivation();

    /// <summary>Looks the reminder up and unregisters it; returns false if there was none.</summary>
    Task<bool> Stop();
}

public sealed class ProviderReminderGrain : Grain, IProviderReminderGrain, IRemindable
{
    public const string ReminderName = "provider-test-tick";

    private int ticks;

    public async Task Start(TimeSpan dueTime, TimeSpan period) =>
        await this.RegisterOrUpdateReminder(ReminderName, dueTime, period);

    public Task<int> GetTicksSeenByThisActivation() => Task.FromResult(ticks);

    public async Task<bool> Stop()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is null)
        {
            return false;
        }

        await this.UnregisterReminder(reminder);
        return true;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReminderName)
        {
            ticks++;
        }

        return Task.CompletedTask;
    }
}
