using Coordination.Contracts.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.Grains.Notify;

/// <summary>
/// The group wait per urgency (<c>Coordination:Notify:GroupWait:Routine</c>, <c>…:Urgent</c>), each
/// defaulting to <see cref="NotifyOptions.GroupWait"/>. <c>Critical</c> has none: it is never held.
/// </summary>
public sealed class GroupWaitOptions
{
    public const string Section = "Coordination:Notify:GroupWait";

    /// <summary>The longest grouping may hold a group wait; longer would defeat an escalation's first level.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    public TimeSpan? Routine { get; set; }

    public TimeSpan? Urgent { get; set; }

    /// <summary>How long an e-mail of this urgency may wait for others to the same person; zero: it goes at once.</summary>
    public TimeSpan For(Urgency urgency, TimeSpan fallback) => urgency switch
    {
        Urgency.Routine => Routine ?? fallback,
        Urgency.Urgent => Urgent ?? fallback,
        _ => TimeSpan.Zero,
    };

    internal static void Add(IServiceCollection services, IConfiguration configuration)
    {
        const string variables = "Coordination__Notify__GroupWait__";
        static bool Valid(TimeSpan? wait) => wait is null || (wait >= TimeSpan.Zero && wait <= Longest);
        services.AddOptions<GroupWaitOptions>()
            .Bind(configuration.GetSection(Section))
            .Validate(o => Valid(o.Routine), $"{Section}:Routine must be a TimeSpan from 00:00:00 to 01:00:00 ({variables}Routine).")
            .Validate(o => Valid(o.Urgent), $"{Section}:Urgent must be a TimeSpan from 00:00:00 to 01:00:00 ({variables}Urgent).")
            .Validate(_ => configuration[$"{Section}:Critical"] is null,
                $"{Section}:Critical cannot be set: a Critical alert is never held ({variables}Critical).")
            .ValidateOnStart();
    }
}
