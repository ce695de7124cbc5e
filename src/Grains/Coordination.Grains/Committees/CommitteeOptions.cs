using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coordination.Grains.Committees;

/// <summary>When owners' working days start, how plans are bounded and how a failed check is retried.</summary>
public sealed class CommitteeOptions
{
    public const string Section = "Coordination:Committees";

    /// <summary>Local time in the owner agency's time zone at which its working day starts; TaskOverdue is raised then.</summary>
    public TimeSpan WorkdayStart { get; set; } = TimeSpan.FromHours(9);

    /// <summary>Comma-separated days of the week that are working days.</summary>
    public string WorkingDays { get; set; } = "Monday,Tuesday,Wednesday,Thursday,Friday";

    /// <summary>How soon a check for overdue tasks that failed (database unreachable) is tried again.</summary>
    public TimeSpan FailedCheckRetry { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Period of the reminder that wakes a committee after its next due time, in case that tick was
    /// lost (Orleans reminders do not replay ticks missed while the cluster was down).
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most tasks one plan holds; the whole plan is one grain state.</summary>
    public int MaxTasks { get; set; } = 2000;

    public WorkingWeek Week() => new(ParseDays(WorkingDays) ?? new HashSet<DayOfWeek>(), WorkdayStart);

    internal static IReadOnlySet<DayOfWeek>? ParseDays(string? days)
    {
        var parsed = new HashSet<DayOfWeek>();
        foreach (var day in (days ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<DayOfWeek>(day, ignoreCase: true, out var d) || !Enum.IsDefined(d))
            {
                return null;
            }

            parsed.Add(d);
        }

        return parsed.Count == 0 ? null : parsed;
    }
}

/// <summary>The working days of the week and the local time each starts.</summary>
public sealed record WorkingWeek(IReadOnlySet<DayOfWeek> Days, TimeSpan Start);

public static class CommitteeGrainsExtensions
{
    public static IServiceCollection AddCommitteeGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CommitteeOptions>()
            .Bind(configuration.GetSection(CommitteeOptions.Section))
            .Validate(o => o.WorkdayStart >= TimeSpan.Zero && o.WorkdayStart < TimeSpan.FromDays(1), "WorkdayStart must be a time of day.")
            .Validate(o => CommitteeOptions.ParseDays(o.WorkingDays) is not null, "WorkingDays must list days of the week, e.g. Monday,Tuesday.")
            .Validate(o => o.FailedCheckRetry > TimeSpan.Zero, "FailedCheckRetry must be positive.")
            .Validate(o => o.ReminderPeriod >= TimeSpan.FromMinutes(1), "ReminderPeriod must be at least one minute (the Orleans minimum).")
            .Validate(o => o.MaxTasks > 0, "MaxTasks must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton<ICommitteeFeedWriter, CommitteeFeedWriter>();
        return services;
    }
}
