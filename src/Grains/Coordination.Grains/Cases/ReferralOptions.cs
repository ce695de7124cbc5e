using Coordination.Contracts.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.Grains.Cases;

/// <summary>How long a receiving agency has to accept or decline a referral, by the case's urgency, before it expires.</summary>
public sealed class ReferralOptions
{
    public const string Section = "Coordination:Referral";

    /// <summary>The most a referral may wait for its answer: beyond it a referral would in effect be dropped.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(3650);

    public AnswerWithinOptions AnswerWithin { get; set; } = new();
}

/// <summary>The answer time of a referral per urgency (<c>Coordination:Referral:AnswerWithin:{Critical|Urgent|Routine}</c>).</summary>
public sealed class AnswerWithinOptions
{
    public TimeSpan Critical { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan Urgent { get; set; } = TimeSpan.FromHours(8);
    public TimeSpan Routine { get; set; } = TimeSpan.FromDays(2);

    public TimeSpan For(Urgency urgency) => urgency switch
    {
        Urgency.Critical => Critical,
        Urgency.Urgent => Urgent,
        _ => Routine,
    };
}

public static class ReferralOptionsExtensions
{
    public static IServiceCollection AddReferralExpiry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReferralOptions>()
            .Bind(configuration.GetSection(ReferralOptions.Section))
            .Validate(o => Valid(o.AnswerWithin.Critical) && Valid(o.AnswerWithin.Urgent) && Valid(o.AnswerWithin.Routine),
                $"{ReferralOptions.Section}:AnswerWithin:Critical, :Urgent and :Routine must each be a TimeSpan above zero and at most ten years, " +
                "such as 01:00:00, 08:00:00 and 2.00:00:00 (environment variables Coordination__Referral__AnswerWithin__Critical and so on).")
            .ValidateOnStart();
        return services;
    }

    private static bool Valid(TimeSpan within) => within > TimeSpan.Zero && within <= ReferralOptions.Longest;
}
