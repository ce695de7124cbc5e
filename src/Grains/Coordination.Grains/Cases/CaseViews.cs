using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;

namespace Coordination.Grains.Cases;

/// <summary>
/// What of a case each caller is shown, and what personal data its audit entries name: the person
/// only to an agency that may see them (<see cref="CaseAccess.SeesPerson"/>), never in a command's
/// answer, and never named in the free text that other agencies read.
/// </summary>
public static class CaseViews
{
    /// <summary>The fields of <see cref="Person"/> a read of the case shows.</summary>
    public static readonly string[] PersonalFields = ["fullName", "birthYear", "sex", "passportNumber", "phone"];

    /// <summary>What an erasure removes; the rest of the person stays for statistics.</summary>
    public static readonly string[] IdentifyingFields = ["fullName", "passportNumber", "phone"];

    private const string NoPersonalDataInText = "Must not name the person or carry their passport or phone number: refer to them by the case id.";

    /// <summary>
    /// The case as an agency may see it (<see cref="CaseAccess.SeesPerson"/>): the one place that
    /// decides it for reads, lists, pushes and exports alike. An agency that may not see the person
    /// works with the pseudonymous case: no person, and no guardian's name.
    /// </summary>
    public static CaseView ForViewer(CaseView c, string agencyId) =>
        CaseAccess.SeesPerson(c, agencyId) ? c : Pseudonymous(c);

    /// <summary>
    /// What a command answers: the pseudonymous case. Responses to commands are kept for idempotent
    /// replay and are not reads the caller asked for; a read shows the person, and audits that it did.
    /// </summary>
    public static CaseView ForCommand(CaseView c) => Pseudonymous(c);

    /// <summary>The case without what identifies the person: the person and the guardian's name (the relation stays).</summary>
    public static CaseView Pseudonymous(CaseView c) =>
        c with { Person = null, Consent = c.Consent.Guardian is { } g ? c.Consent with { Guardian = g with { FullName = null } } : c.Consent };

    /// <summary>The personal fields a flag recorded: the optional ones only when it carried them.</summary>
    public static string[] FieldsOf(Person person) =>
        PersonalFields.Where(f => f switch
        {
            "passportNumber" => person.PassportNumber is not null,
            "phone" => person.Phone is not null,
            _ => true,
        }).ToArray();

    /// <summary>
    /// Refuses free text that identifies the person, when the caller may see who the person is —
    /// for anyone else the refusal would confirm a guessed name.
    /// </summary>
    public static void RefuseIdentifying(CaseView c, Actor actor, string field, string? text)
    {
        if (PersonalDataGuard.Mentions(ForViewer(c, actor.AgencyId).Person, text))
        {
            throw DomainException.Invalid(field, NoPersonalDataInText);
        }
    }
}
