using Coordination.Grains.Cases;
using Coordination.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.Tests.Referrals;

/// <summary>
/// A cluster of its own for the referral tests: they move the fake clock past answer deadlines, which
/// would expire other tests' referrals. The answer times deliberately differ from the defaults, to
/// prove they come from configuration; the silo's own look runs once in ten years, so the tests wake
/// the cases themselves, at the instants they choose.
/// </summary>
public sealed class ReferralClusterFixture() : InProcessClusterFixture(new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero))
{
    public static readonly TimeSpan CriticalAnswer = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan UrgentAnswer = TimeSpan.FromHours(4);
    public static readonly TimeSpan RoutineAnswer = TimeSpan.FromDays(1);

    protected override string DatabasePurpose => "referrals";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Coordination:Referral:AnswerWithin:Critical"] = CriticalAnswer.ToString(),
        ["Coordination:Referral:AnswerWithin:Urgent"] = UrgentAnswer.ToString(),
        ["Coordination:Referral:AnswerWithin:Routine"] = RoutineAnswer.ToString(),
        ["Coordination:FollowUp:CheckEvery"] = TimeSpan.FromDays(3650).ToString(),
    };
}

[CollectionDefinition(Name)]
public sealed class ReferralClusterCollection : ICollectionFixture<ReferralClusterFixture>
{
    public const string Name = "Referral cluster";
}
