using System.Globalization;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;

namespace Coordination.Grains.Cases;

/// <summary>
/// The person's consent as the case applies it: what may be recorded (a minor's consent is given by
/// a guardian or legal representative), whether the case may be referred (referral consent, or a
/// recorded override), and which change widens what the person allowed. Who then sees the person is
/// <see cref="CaseAccess"/>'s rule, on <see cref="Consent.DataSharing"/>.
/// </summary>
public static class CaseConsent
{
    /// <summary>
    /// Refuses consent that cannot stand: a guardian named for a consent the person gave, a guardian's
    /// consent without the guardian, a minor's own consent, and the best-interests override for an adult.
    /// </summary>
    public static void Require(Consent consent, bool minor)
    {
        StrictEnum.RequireDefined("consent.givenBy", consent.GivenBy);
        if (consent.Override is { } chosen)
        {
            StrictEnum.RequireDefined("consent.override", chosen);
        }

        if (consent.GivenBy == ConsentGiver.Self && consent.Guardian is not null)
        {
            throw DomainException.Invalid("consent.guardian", "Only a consent given by a guardian or legal representative names one; the person gave this one (givenBy Self).");
        }

        if (consent.GivenBy != ConsentGiver.Self && (string.IsNullOrWhiteSpace(consent.Guardian?.FullName) || string.IsNullOrWhiteSpace(consent.Guardian.Relation)))
        {
            throw DomainException.Invalid("consent.guardian", $"A consent given by a {consent.GivenBy} records who they are: the guardian's fullName and relation to the person.");
        }

        if (minor && consent.GivenBy == ConsentGiver.Self && (consent.Referral || consent.DataSharing || consent.Research))
        {
            throw DomainException.Invalid("consent.givenBy",
                "The person is a minor: their consent is given by a guardian or legal representative (givenBy Guardian or LegalRepresentative, with the guardian). " +
                "Without one, the case is referred only under the override BestInterestsOfChild.");
        }

        if (consent.Override == ConsentOverride.BestInterestsOfChild && !minor)
        {
            throw DomainException.Invalid("consent.override", "BestInterestsOfChild is for a minor; an adult's case is referred without their consent only when LifeThreatening.");
        }
    }

    /// <summary>Whether the case may be referred to an agency: with referral consent, or under a recorded override.</summary>
    public static bool AllowsReferral(Consent consent) => consent.Referral || consent.Override is not null;

    /// <summary>Refuses a referral by hand of a case the person has not consented to be referred, without an override.</summary>
    public static void RequireReferralAllowed(CaseView c)
    {
        if (!AllowsReferral(c.Consent))
        {
            throw DomainException.Conflict(
                $"Case {c.Id} has no referral consent and no override: record the person's consent (or the override that applies) before referring it.");
        }
    }

    /// <summary>Whether <paramref name="after"/> allows anything <paramref name="before"/> did not: only those who have met the person may record that.</summary>
    public static bool Widens(Consent before, Consent after) =>
        (after.Referral && !before.Referral)
        || (after.DataSharing && !before.DataSharing)
        || (after.Research && !before.Research)
        || (after.Override is not null && after.Override != before.Override);

    /// <summary>Whether the two record the same answers, by the same kind of giver, under the same override.</summary>
    public static bool SameAnswers(Consent a, Consent b) =>
        a.Referral == b.Referral && a.DataSharing == b.DataSharing && a.Research == b.Research && a.GivenBy == b.GivenBy
        && a.Override == b.Override && a.Guardian == b.Guardian && a.Scope == b.Scope;

    /// <summary>The answers as the timeline says them: never the guardian's name, which is personal data.</summary>
    public static string Describe(Consent consent)
    {
        static string YesNo(bool given) => given ? "yes" : "no";
        var text = string.Create(CultureInfo.InvariantCulture,
            $"referral {YesNo(consent.Referral)}, data sharing {YesNo(consent.DataSharing)}, research {YesNo(consent.Research)}; given by {consent.GivenBy}");
        if (consent.Guardian is { } guardian)
        {
            text += $" ({guardian.Relation})";
        }

        return consent.Override is { } chosen ? $"{text}; referral override {chosen}" : text;
    }

    /// <summary>The consent as recorded: stamped with who recorded it and when.</summary>
    public static Consent Recorded(Consent consent, Actor actor, DateTimeOffset now) =>
        consent with { RecordedBy = actor.Username, RecordedAt = now };
}
