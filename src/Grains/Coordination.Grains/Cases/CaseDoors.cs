using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;

namespace Coordination.Grains.Cases;

/// <summary>
/// Who may open a case for whom, and how it goes (api.md, "Who may open a case, and for whom"). The
/// route follows from the data: a person found outside their country of citizenship returns, one found
/// in it is referred at home. The remits:
/// <list type="bullet">
/// <item>A consular post opens returns of its own state's citizens and holds them, wherever abroad it
/// finds them (a post's district may reach beyond its host country), exactly as before other doors existed.</item>
/// <item>A hotline, NGO or shelter opens cases of its own country's citizens (abroad or at home) and of
/// anyone found in its own country.</item>
/// <item>Police open cases of anyone found in their own country: they act on their own territory.</item>
/// </list>
/// A return opened by anyone but a consular post goes to the post of the person's state in the country
/// where they are — when there are several, the one in the city the person is in (<c>currentRegion</c>),
/// else the lowest id: that post holds the case and is told
/// (<c>CaseReported</c>); the caller is recorded as its reporter. No such post: 422 NoConsularPost.
/// </summary>
public static class CaseDoors
{
    public const string NoConsularPost = "NoConsularPost";

    /// <summary>The agency kinds that open cases, each with the channel it identifies people by unless told otherwise.</summary>
    private static readonly Dictionary<AgencyKind, IdentificationChannel> Doors = new()
    {
        [AgencyKind.ConsularPost] = IdentificationChannel.Consulate,
        [AgencyKind.Hotline] = IdentificationChannel.Hotline,
        [AgencyKind.Ngo] = IdentificationChannel.Ngo,
        [AgencyKind.Shelter] = IdentificationChannel.Ngo,
        [AgencyKind.LawEnforcement] = IdentificationChannel.Police,
    };

    public static CaseRoute RouteOf(FlagCase command) =>
        string.Equals(command.CurrentCountry, command.Person.Citizenship, StringComparison.Ordinal) ? CaseRoute.Internal : CaseRoute.Return;

    /// <summary>Refuses a caller outside its remit (403); otherwise whether the case needs the directory to find its consular post.</summary>
    public static bool RequireRemit(FlagCase command, Agency? caller)
    {
        if (caller is null || !Doors.ContainsKey(caller.Kind))
        {
            throw DomainException.Forbidden("Cases are opened by consular posts, hotlines, NGOs, shelters and police.");
        }

        var citizenship = command.Person.Citizenship;
        var route = RouteOf(command);
        if (caller.Kind == AgencyKind.ConsularPost)
        {
            // A post acts for its own state's citizens; another state's citizen is that state's post's to flag.
            if (caller.Country != citizenship)
            {
                throw DomainException.Forbidden($"A consular post of {caller.Country} flags citizens of {caller.Country}, not of {citizenship}.");
            }

            if (route == CaseRoute.Internal)
            {
                throw DomainException.Forbidden($"A consular post acts abroad; a case of a citizen found in {citizenship} is opened by a hotline, NGO or the police there.");
            }

            return false;
        }

        var inOwnCountry = caller.Country == command.CurrentCountry;
        if (caller.Kind == AgencyKind.LawEnforcement ? !inOwnCountry : !inOwnCountry && caller.Country != citizenship)
        {
            throw DomainException.Forbidden(caller.Kind == AgencyKind.LawEnforcement
                ? $"Police of {caller.Country} open cases of people found in {caller.Country}, not in {command.CurrentCountry}."
                : $"An agency of {caller.Country} opens cases of citizens of {caller.Country} or of people found in {caller.Country}.");
        }

        return route == CaseRoute.Return;
    }

    /// <summary>
    /// How the case opens, for a caller within its remit (<see cref="RequireRemit"/>); <paramref name="agencies"/>
    /// is the directory, needed only when <see cref="RequireRemit"/> said so.
    /// </summary>
    public static CaseOpening Open(FlagCase command, Agency caller, IEnumerable<Agency>? agencies)
    {
        var identifiedBy = command.IdentifiedBy ?? Doors[caller.Kind];
        var route = RouteOf(command);
        if (route == CaseRoute.Internal || caller.Kind == AgencyKind.ConsularPost)
        {
            return new CaseOpening(route, caller.Id, null, identifiedBy);
        }

        var post = (agencies ?? throw new ArgumentNullException(nameof(agencies)))
            .Where(a => a is { Kind: AgencyKind.ConsularPost, Active: true }
                && a.Country == command.Person.Citizenship
                && a.HostCountry == command.CurrentCountry)
            .OrderBy(a => command.CurrentRegion is { } where && string.Equals(a.City, where, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(a => a.Id, StringComparer.Ordinal)
            .FirstOrDefault()
            ?? throw DomainException.Unprocessable(NoConsularPost,
                $"No consular post of {command.Person.Citizenship} in {command.CurrentCountry} is registered to take the case; nothing was stored.");
        return new CaseOpening(route, post.Id, caller.Id, identifiedBy);
    }
}
