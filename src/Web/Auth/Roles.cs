namespace Coordination.Web.Auth;

public static class Roles
{
    public const string Admin = "Admin";
    public const string ConsularOfficer = "ConsularOfficer";
    public const string NgoCaseworker = "NgoCaseworker";
    public const string CommitteeSecretary = "CommitteeSecretary";
    public const string CommitteeMember = "CommitteeMember";
    public const string Analyst = "Analyst";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Admin, ConsularOfficer, NgoCaseworker, CommitteeSecretary, CommitteeMember, Analyst,
    };

    public static readonly IReadOnlySet<string> Languages = new HashSet<string>(StringComparer.Ordinal) { "en", "ru" };
}

/// <summary>Claim names of the access token.</summary>
public static class CoordinationClaims
{
    public const string Username = "sub";
    public const string Agency = "agency";
    public const string Role = "role";
}
