using Coordination.Contracts.Agencies;

namespace Coordination.Web.Auth;

public static class Roles
{
    public const string Admin = "Admin";

    /// <summary>Administers the agencies and users of one country; of no agency. Created by the global <see cref="Admin"/> only.</summary>
    public const string CountryAdmin = "CountryAdmin";
    public const string ConsularOfficer = "ConsularOfficer";
    public const string NgoCaseworker = "NgoCaseworker";
    public const string CommitteeSecretary = "CommitteeSecretary";
    public const string CommitteeMember = "CommitteeMember";
    public const string Analyst = "Analyst";

    /// <summary>Manages its own agency's duty rota (alone or beside the agency's other roles).</summary>
    public const string AgencyCoordinator = "AgencyCoordinator";

    /// <summary>Takes calls on a trafficking hotline; of an agency of kind Hotline.</summary>
    public const string HotlineOperator = "HotlineOperator";

    /// <summary>A police officer; of an agency of kind LawEnforcement.</summary>
    public const string LawEnforcementOfficer = "LawEnforcementOfficer";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Admin, CountryAdmin, ConsularOfficer, NgoCaseworker, CommitteeSecretary, CommitteeMember, Analyst, AgencyCoordinator, HotlineOperator, LawEnforcementOfficer,
    };

    /// <summary>
    /// The roles that open cases (POST /api/cases), each for an agency of the kinds given: a consular
    /// officer of an NGO opens nothing. The agency's kind then sets for whom (<c>CaseDoors</c>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, AgencyKind[]> OpensCasesFor = new Dictionary<string, AgencyKind[]>(StringComparer.Ordinal)
    {
        [ConsularOfficer] = [AgencyKind.ConsularPost],
        [NgoCaseworker] = [AgencyKind.Ngo, AgencyKind.Shelter],
        [HotlineOperator] = [AgencyKind.Hotline],
        [LawEnforcementOfficer] = [AgencyKind.LawEnforcement],
    };

    public static readonly string[] CaseOpeners = [.. OpensCasesFor.Keys];

    /// <summary>Who registers places (border crossings, stations) in the directory: administrators for now; a country's administrator may join them.</summary>
    public static readonly string[] PlaceRegistrars = [Admin, CountryAdmin];

    /// <summary>The roles that belong to an agency of one kind only.</summary>
    public static readonly IReadOnlyDictionary<string, AgencyKind> AgencyKindOf = new Dictionary<string, AgencyKind>(StringComparer.Ordinal)
    {
        [HotlineOperator] = AgencyKind.Hotline,
        [LawEnforcementOfficer] = AgencyKind.LawEnforcement,
    };

    /// <summary>The roles that work on cases and may see the people in them: hotlines and police follow the cases they reported.</summary>
    public static readonly string[] CaseWorkers = [ConsularOfficer, NgoCaseworker, HotlineOperator, LawEnforcementOfficer];

    /// <summary>The roles that administer agencies and users, each within its <see cref="AdminReach"/>.</summary>
    public static readonly string[] Administrators = [Admin, CountryAdmin];

    /// <summary>The roles that manage users, each within its <see cref="AdminReach"/>: an agency's coordinator its own agency's.</summary>
    public static readonly string[] UserManagers = [Admin, CountryAdmin, AgencyCoordinator];

    public static readonly IReadOnlyList<string> Languages = ["en", "ru", "ky", "kk", "tg", "uz", "tk"];
}

/// <summary>Claim names of the access token.</summary>
public static class CoordinationClaims
{
    public const string Username = "sub";
    public const string Agency = "agency";
    public const string Role = "role";

    /// <summary>When the user last signed in with a password (OpenID's <c>auth_time</c>, Unix seconds).</summary>
    public const string SessionStart = "auth_time";

    /// <summary>
    /// When the token was issued, in Unix milliseconds: <c>iat</c> counts whole seconds, so a token
    /// issued in the second an account's tokens were revoked (a sign-in right after a password reset or
    /// a change of roles) could not be told from one issued before.
    /// </summary>
    public const string IssuedAtMilliseconds = "iat_ms";

    /// <summary>
    /// Present (value <c>enrol</c>) on the token of an account that must enrol a second factor before
    /// anything else (<see cref="AuthOptions.RequireMfa"/>): it reaches only its own account and the enrolment.
    /// </summary>
    public const string MfaEnrolment = "mfa_enrol";
}
