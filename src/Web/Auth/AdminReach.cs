using System.Security.Claims;
using Coordination.Contracts.Accounts;
using Coordination.Contracts.Agencies;

namespace Coordination.Web.Auth;

/// <summary>
/// What an administrator manages, decided in one place for every users' and agencies' endpoint: the
/// global <see cref="Roles.Admin"/> everything; a <see cref="Roles.CountryAdmin"/> the agencies of its
/// country and the users of those agencies, and nothing else. Whatever lies outside is answered as if
/// it did not exist (404, or "does not exist" for a reference), so a country administrator learns
/// nothing of another country's agencies and users.
/// </summary>
public sealed class AdminReach
{
    private static readonly AdminReach Everything = new(null);

    private AdminReach(string? country) => Country = country;

    /// <summary>The country administered; null for the global administrator.</summary>
    public string? Country { get; }

    public bool IsGlobal => Country is null;

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
        // The endpoints let only Admin and CountryAdmin in, and the database gives every CountryAdmin a country.
        return new AdminReach(account?.Country ?? throw new InvalidOperationException("A country administrator's account has no country."));
    }

    public bool Covers(Agency? agency) => agency is not null && (IsGlobal || string.Equals(agency.Country, Country, StringComparison.Ordinal));

    /// <summary>A country administrator reaches the users of its country's agencies; those of no agency (administrators) are the global administrator's.</summary>
    public async Task<bool> CoversAsync(UserRecord? user, IClusterClient cluster) =>
        user is not null && (IsGlobal || (user.AgencyId is { } agencyId && Covers(await cluster.GetGrain<IAgencyDirectoryGrain>(0).Get(agencyId))));

    /// <summary>The roles this administrator may give: a country administrator gives no administrator's role.</summary>
    public bool MayGrant(string role) => IsGlobal || (role != Roles.Admin && role != Roles.CountryAdmin);
}
