namespace Coordination.Web.Auth;

public static class Roles
{
    public const string Admin = "Admin";
    public const string ConsularOfficer = "ConsularOfficer";
    public const string NgoCaseworker = "NgoCaseworker";
    public const string CommitteeSecretary = "CommitteeSecretary";
    public const string CommitteeMember = "CommitteeMember";
    public const string Analyst = "Analyst";

    /// <summary>Manages its own agency's duty rota (alone or beside the agency's other roles).</summary>
    public const string AgencyCoordinator = "AgencyCoordinator";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Admin, ConsularOfficer, NgoCaseworker, CommitteeSecretary, CommitteeMember, Analyst, AgencyCoordinator,
    };

    /// <summary>The roles that work on cases and may see the people in them.</summary>
    public static readonly string[] CaseWorkers = [ConsularOfficer, NgoCaseworker];

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
}
