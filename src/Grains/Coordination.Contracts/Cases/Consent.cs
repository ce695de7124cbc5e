namespace Coordination.Contracts.Cases;

/// <summary>Who gave the person's consent: the person, or for a minor or someone unable to, a guardian or legal representative.</summary>
[GenerateSerializer]
public enum ConsentGiver { Self, Guardian, LegalRepresentative }

/// <summary>
/// Why a case is referred without the person's referral consent: the best interests of a child, or a
/// threat to the person's life. It is recorded, audited and counted, never assumed.
/// </summary>
[GenerateSerializer]
public enum ConsentOverride { BestInterestsOfChild, LifeThreatening }

/// <summary>The guardian or legal representative who gave consent. <see cref="FullName"/> is personal data, kept and shown like the person's name.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.Guardian")]
public sealed record Guardian([property: Id(0)] string? FullName, [property: Id(1)] string Relation);

/// <summary>
/// The person's consent, one answer per use of their data: <see cref="Referral"/> to be referred to
/// an agency for help, <see cref="DataSharing"/> for the agencies that help them to know who they are,
/// <see cref="Research"/> to be counted in the anonymised research export. <see cref="Override"/>
/// refers the case without referral consent. <see cref="RecordedBy"/> and <see cref="RecordedAt"/>:
/// the user who recorded the current answers, and when.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.Consent")]
public sealed record Consent(
    [property: Id(0)] bool Referral,
    [property: Id(1)] bool DataSharing,
    [property: Id(2)] bool Research,
    [property: Id(3)] ConsentGiver GivenBy = ConsentGiver.Self,
    [property: Id(4)] Guardian? Guardian = null,
    [property: Id(5)] ConsentOverride? Override = null,
    [property: Id(6)] string? Scope = null,
    [property: Id(7)] string? RecordedBy = null,
    [property: Id(8)] DateTimeOffset? RecordedAt = null)
{
    /// <summary>All three given: what the first contract's <c>{given: true}</c> meant, and still means.</summary>
    public bool Given => Referral && DataSharing && Research;

    /// <summary>All three given, or none, by the person themselves.</summary>
    public static Consent AllOrNone(bool given, string? scope = null) => new(given, given, given, Scope: scope);
}
