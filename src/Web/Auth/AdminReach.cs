using System.Security.Claims;
using Coordination.Contracts.Accounts;
using Coordination.Contracts.Agencies;

namespace Coordination.Web.Auth;

/// <summary>
/// What an administrator manages, decided in one place for every users' and agencies' endpoint: the
/// global <see cref="Roles.Admin"/> everything; a <see cref="Roles.CountryAdmin"/> the agencies of its
/// country and the users of those agencies; an <see cref="Roles.AgencyCoordinator"/> the users of its
/// own agency (the users' endpoints only: <see cref="Roles.UserManagers"/>), and nothing else.
/// Whatever lies outside is answered as if it did not exist (404, or "does not exist" for a
/// reference), so neither learns anything of another country's or agency's agencies and users.
/// </summary>
public sealed class AdminReach
{
    private static readonly AdminReach Everything = new(null, null);

    private AdminReach(string? country, string? agencyId)
    {
        Country = country;
        AgencyId = agencyId;
    }

    /// <summary>The country administered, for a country administrator.</summary>
    public string? Country { get; }

    /// <summary>The agency whose users are managed, for an agency coordinator.</summary>
    public string? AgencyId { get; }

    public bool IsGlobal => Country is null && AgencyId is null;

    /// <summary>
    /// The caller's reach. A country administrator's country is read from its account on every
    /// request rather than from its token, so a change of country applies at once.
    /// </summary>
    public static async Task<AdminReach> OfAsync(ClaimsPrincipal caller, UserAccounts users, CancellationToken cancellationToken)
    {
        if (caller.IsInRole(Roles.Admin))
        {
            return Everything;
        }

        var account = await users.FindAsync(caller.FindFirstValue(CoordinationClaims.Username) ?? string.Empty, cancellationToken);
        // The endpoints let only Admin, CountryAdmin and (the users' ones) AgencyCoordinator in; the
        // database gives every CountryAdmin a country, and the role checks give a coordinator an agency.
        return caller.IsInRole(Roles.CountryAdmin)
            ? new AdminReach(account?.Country ?? throw new InvalidOperationException("A country administrator's account has no country."), null)
            : new AdminReach(null, account?.AgencyId ?? throw new InvalidOperationException("An agency coordinator's account has no agency."));
    }

    public bool Covers(Agency? agency) => agency is not null
        && (IsGlobal
            || (AgencyId is not null
                ? string.Equals(agency.Id, AgencyId, StringComparison.Ordinal)
                : string.Equals(agency.Country, Country, StringComparison.Ordinal)));

    /// <summary>A country administrator reaches the users of its country's agencies; those of no agency (administrators) are the global administrator's.</summary>
    public async Task<bool> CoversAsync(UserRecord? user, IClusterClient cluster) =>
        user is not null && (IsGlobal || (user.AgencyId is { } agencyId && Covers(await cluster.GetGrain<IAgencyDirectoryGrain>(0).Get(agencyId))));

    /// <summary>The roles this administrator may give: a country administrator or an agency coordinator gives no administrator's role.</summary>
    public bool MayGrant(string role) => IsGlobal || (role != Roles.Admin && role != Roles.CountryAdmin);
}
