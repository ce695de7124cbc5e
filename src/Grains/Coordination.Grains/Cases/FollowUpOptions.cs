using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coordination.Grains.Cases;

/// <summary>When a returnee's follow-ups fall due after reintegration starts, and how often the silos look for them.</summary>
public sealed class FollowUpOptions
{
    public const string Section = "Coordination:FollowUp";

    /// <summary>
    /// Comma-separated months after ReintegrationStarted at which follow-ups fall due, ascending. A
    /// string rather than a list: configuration binding appends a list to its default instead of replacing it.
    /// </summary>
    public string After { get; set; } = "3,6,12";

    /// <summary>Local time, in the receiving agency's time zone, at which a follow-up falls due.</summary>
    public TimeSpan At { get; set; } = TimeSpan.FromHours(9);

    /// <summary>How often each silo looks for follow-ups that have fallen due and arrivals nobody confirmed (<see cref="CaseWakeUps"/>): how late one can be.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The months of <see cref="After"/>.</summary>
    public IReadOnlyList<int> Months() => ParseMonths(After) ?? [];

    public static IReadOnlyList<int>? ParseMonths(string? after)
    {
        var months = new List<int>();
        foreach (var part in (after ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m is < 1 or > 120 || (months.Count > 0 && m <= months[^1]))
            {
                return null;
            }

            months.Add(m);
        }

        return months.Count == 0 ? null : months;
    }
}

public static class FollowUpExtensions
{
    public static IServiceCollection AddFollowUps(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FollowUpOptions>()
            .Bind(configuration.GetSection(FollowUpOptions.Section))
            .Validate(o => FollowUpOptions.ParseMonths(o.After) is not null,
                $"{FollowUpOptions.Section}:{nameof(FollowUpOptions.After)} must list months from 1 to 120 in ascending order, e.g. 3,6,12 (environment variable Coordination__FollowUp__After).")
            .Validate(o => o.At >= TimeSpan.Zero && o.At < TimeSpan.FromDays(1),
                $"{FollowUpOptions.Section}:{nameof(FollowUpOptions.At)} must be a time of day such as 09:00:00 (environment variable Coordination__FollowUp__At).")
            .Validate(o => o.CheckEvery > TimeSpan.Zero,
                $"{FollowUpOptions.Section}:{nameof(FollowUpOptions.CheckEvery)} must be a positive TimeSpan such as 00:01:00 (environment variable Coordination__FollowUp__CheckEvery).")
            .ValidateOnStart();
        services.TryAddSingleton<CaseWakeUps>();
        services.AddHostedService(sp => sp.GetRequiredService<CaseWakeUps>());
        return services;
    }
}
