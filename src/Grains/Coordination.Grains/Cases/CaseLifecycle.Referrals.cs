using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;

namespace Coordination.Grains.Cases;

/// <summary>The lifecycle's rules for referrals: one made by hand, and an agency's answer to one.</summary>
public static partial class CaseLifecycle
{
    /// <summary>Refuses a referral by hand of a case that is no longer open, or for services that do not exist.</summary>
    public static void RequireReferable(CaseView current, IReadOnlyList<AgencyService> services)
    {
        if (!IsOpen(current.Status))
        {
            throw DomainException.Conflict($"Case {current.Id} is {current.Status}; reopen it before referring.");
        }

        foreach (var service in services)
        {
            StrictEnum.RequireDefined("services", service);
        }
    }

    /// <summary>The id of the case's next referral.</summary>
    public static string NextReferralId(CaseView c) => $"r{c.Referrals.Count + 1}";

    /// <summary>The case with a referral added by hand.</summary>
    public static CaseView Referred(CaseView current, Referral created, DateTimeOffset now) =>
        current with { Referrals = [.. current.Referrals, created], UpdatedAt = now, Version = current.Version + 1 };

    /// <summary>
    /// The referral of <paramref name="agencyId"/> to answer, or null when it has answered so already
    /// (repeating an answer changes nothing); an answered referral takes no other answer.
    /// </summary>
    public static Referral? ReferralToAnswer(CaseView current, string referralId, string agencyId, bool accept)
    {
        var referral = current.Referrals.FirstOrDefault(r => r.Id == referralId && r.ToAgencyId == agencyId)
            ?? throw DomainException.NotFound($"Referral {referralId} of case {current.Id}");
        if (referral.Status == (accept ? ReferralStatus.Accepted : ReferralStatus.Declined))
        {
            return null;
        }

        return referral.Status == ReferralStatus.Pending
            ? referral
            : throw DomainException.Conflict($"Referral {referralId} is already {referral.Status}.");
    }

    /// <summary>The referral answered: accepted, or declined for a reason (e.g. no capacity), which a decline needs.</summary>
    public static Referral Answer(Referral pending, bool accept, string? reason, DateTimeOffset now)
    {
        if (!accept && string.IsNullOrWhiteSpace(reason))
        {
            throw DomainException.Invalid("reason", "A decline needs a reason, e.g. no capacity.");
        }

        return pending with { Status = accept ? ReferralStatus.Accepted : ReferralStatus.Declined, Reason = accept ? null : reason, At = now };
    }

    /// <summary>The case with one referral answered.</summary>
    public static CaseView Answered(CaseView current, Referral answered, DateTimeOffset now) =>
        current with
        {
            Referrals = current.Referrals.Select(r => r.Id == answered.Id ? answered : r).ToList(),
            UpdatedAt = now,
            Version = current.Version + 1,
        };
}
