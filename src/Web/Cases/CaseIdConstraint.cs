using System.Text.RegularExpressions;

namespace Coordination.Web.Cases;

/// <summary>
/// Route constraint <c>{id:caseId}</c>: only well-formed case ids ({citizenship}-{year}-{number},
/// e.g. KG-2026-000042) reach a case grain; anything else is a 404 at the router, so junk ids
/// never activate grains.
/// </summary>
public sealed partial class CaseIdConstraint : IRouteConstraint
{
    public const string Name = "caseId";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value is string id && Pattern().IsMatch(id);

    [GeneratedRegex(@"^[A-Z]{2}-[0-9]{4}-[0-9]{6,9}\z")]
    private static partial Regex Pattern();
}
