using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Coordination.Contracts.Accounts;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Web.Audit;
using Coordination.Web.Errors;
using Coordination.Web.Feeds;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Coordination.Web.Auth;

public sealed record UpdateUserRequest(string? DisplayName, string? AgencyId, IReadOnlyList<string?>? Roles, string? Language, string? Country = null);

public sealed record PasswordResetLink(string Url, DateTimeOffset ExpiresAt);

public sealed record CompletePasswordResetRequest(string? Token, string? Password);

public sealed record PasswordResetDone(string Username);

/// <summary>The fields of an account an administrator sets, read and checked the same way on creation and on edit.</summary>
public static class UserFields
{
    public static async Task<(string? DisplayName, string[] Roles, string Language, string? AgencyId, string? Country)> ReadAsync(
        RequestErrors errors, string? displayName, IReadOnlyList<string?>? roles, string? language, string? agencyId, string? country,
        AdminReach reach, IClusterClient cluster)
    {
        var name = errors.Text("displayName", displayName, 200);
        var roleList = errors.List("roles", roles, Roles.All.Count);
        if (roles is not null && roleList.Count == 0)
        {
            errors.Add("roles", "At least one role.");
        }

        foreach (var role in roleList.Where(r => !Roles.All.Contains(r)))
        {
            errors.Add("roles", $"'{role}' is not a role; roles are {string.Join(", ", Roles.All)}.");
        }

        foreach (var role in roleList.Where(r => Roles.All.Contains(r) && !reach.MayGrant(r)).Distinct(StringComparer.Ordinal))
        {
            errors.Add("roles", $"Only the global administrator gives the role {role}.");
        }

        var lang = language ?? "en";
        if (!Roles.Languages.Contains(lang))
        {
            errors.Add("language", $"One of {string.Join(", ", Roles.Languages)}.");
        }

        // A country administrator is that alone, of a country and of no agency; no one else has a country.
        var countryAdmin = roleList.Contains(Roles.CountryAdmin, StringComparer.Ordinal);
        if (countryAdmin && roleList.Distinct(StringComparer.Ordinal).Count() > 1)
        {
            errors.Add("roles", $"{Roles.CountryAdmin} is a role on its own.");
        }

        var validCountry = countryAdmin ? errors.Country("country", country) : null;
        if (!countryAdmin && country is not null)
        {
            errors.Add("country", $"Only a {Roles.CountryAdmin} has a country; the others have it from their agency.");
        }

        if (countryAdmin && agencyId is not null)
        {
            errors.Add("agencyId", $"A {Roles.CountryAdmin} belongs to no agency.");
        }

        var agency = countryAdmin ? null : errors.Text("agencyId", agencyId, 64, required: !(roleList.Count == 1 && roleList[0] == Roles.Admin));
        var found = agency is null ? null : await cluster.GetGrain<IAgencyDirectoryGrain>(0).Get(agency);
        if (agency is not null && !reach.Covers(found))
        {
            errors.Add("agencyId", $"Agency '{agency}' does not exist.");
        }

        foreach (var role in roleList.Where(Roles.AgencyKindOf.ContainsKey).Distinct(StringComparer.Ordinal))
        {
            if (found is not null && found.Kind != Roles.AgencyKindOf[role])
            {
                errors.Add("roles", $"A {role} belongs to an agency of kind {Roles.AgencyKindOf[role]}; '{found.Id}' is a {found.Kind}.");
            }
        }

        return (name, roleList.Distinct(StringComparer.Ordinal).ToArray(), lang, agency, validCountry);
    }
}

/// <summary>
/// Users' administration beside creation and disabling (<see cref="AuthApi"/>): the list, edits, and
/// password reset by a one-time link. The administrator hands the link to the user by whatever
/// channel the agency trusts; the link is not a password, is kept only as a hash, is spent by its
/// first use and expires after <see cref="AuthOptions.PasswordResetLifetime"/>.
/// </summary>
public static class UserAdminApi
{
    public static WebApplication MapUserAdminApi(this WebApplication app)
    {
        var users = app.MapGroup("/api/users").WithTags("Auth").RequireAuthorization(p => p.RequireRole(Roles.UserManagers));
        users.MapGet("/", List);
        users.MapPut("/{username}", Update);
        users.MapPost("/{username}/password-reset", IssueReset);
        app.MapPost("/api/auth/password-reset", CompleteReset).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy).WithTags("Auth");
        return app;
    }

    /// <summary>The accounts the caller administers: a country administrator's list holds its country's users only.</summary>
    private static async Task<Ok<IReadOnlyList<UserView>>> List(HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var reach = await AdminReach.OfAsync(http.User, users, cancellationToken);
        var all = await users.ListAsync(cancellationToken);
        if (!reach.IsGlobal)
        {
            var agencies = (await cluster.GetGrain<IAgencyDirectoryGrain>(0).List()).Where(reach.Covers).Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
            all = all.Where(u => u.AgencyId is not null && agencies.Contains(u.AgencyId)).ToList();
        }

        return TypedResults.Ok<IReadOnlyList<UserView>>(all.Select(View).ToList());
    }

    /// <summary>
    /// Changes a user's name, agency, roles or language. A change of agency or roles ends the user's
    /// sessions (their tokens carry the old ones), at once on this host.
    /// </summary>
    private static async Task<Results<Ok<UserView>, ValidationProblem, ProblemHttpResult>> Update(
        string username, UpdateUserRequest request, HttpContext http, UserAccounts users, AccountAccess access, DashboardConnections dashboards,
        AuditStore audit, IClusterClient cluster, TimeProvider clock, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        // Outside the caller's reach is as if it did not exist, before anything is said of the request.
        var reach = await AdminReach.OfAsync(http.User, users, cancellationToken);
        if (await users.FindAsync(username, cancellationToken) is not { } before || !await reach.CoversAsync(before, cluster))
        {
            return NotFound(username);
        }

        var errors = new RequestErrors();
        var (displayName, roles, language, agencyId, country) = await UserFields.ReadAsync(
            errors, request.DisplayName, request.Roles, request.Language, request.AgencyId, request.Country, reach, cluster);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var admin = http.User.FindFirstValue(CoordinationClaims.Username)!;
        if (string.Equals(admin, username, StringComparison.Ordinal) && !roles.Contains(Roles.Admin))
        {
            throw DomainException.Conflict("You cannot take the Admin role from your own account.");
        }

        if (!await users.UpdateAsync(new UserEdit(username, displayName!, agencyId, roles, language, country), clock.GetUtcNow(), cancellationToken))
        {
            return NotFound(username);
        }

        // The same test as the store's UPDATE, which revoked the tokens on it (roles compared in order, as arrays).
        var revoked = before.AgencyId != agencyId || !before.Roles.SequenceEqual(roles, StringComparer.Ordinal) || before.Country != country;
        var closed = 0;
        if (revoked)
        {
            access.Forget(username);
            closed = dashboards.CloseAll(username);
        }

        await audit.AppendAccountEventAsync(http, "user.update", username, cancellationToken);
        logs.CreateLogger(typeof(UserAdminApi)).LogInformation(
            "Account {Username} changed by {Admin}; sessions ended: {Revoked}, {Connections} dashboard connections closed", username, admin, revoked, closed);
        return TypedResults.Ok(View(before with { DisplayName = displayName!, AgencyId = agencyId, Roles = roles, Language = language, Country = country }));
    }

    /// <summary>Issues a new one-time link for the user to choose a password, replacing any earlier link.</summary>
    private static async Task<Results<Created<PasswordResetLink>, ProblemHttpResult>> IssueReset(
        string username, HttpContext http, UserAccounts users, IClusterClient cluster, AuditStore audit, IOptions<AuthOptions> options, TimeProvider clock,
        ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var reach = await AdminReach.OfAsync(http.User, users, cancellationToken);
        if (await users.FindAsync(username, cancellationToken) is not { } user || !await reach.CoversAsync(user, cluster))
        {
            return NotFound(username);
        }

        if (user.Disabled)
        {
            throw DomainException.Conflict($"User '{username}' is disabled: enable the account before resetting its password.");
        }

        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var expiresAt = clock.GetUtcNow() + options.Value.PasswordResetLifetime;
        if (!await users.IssuePasswordResetAsync(username, Hash(token), expiresAt, cancellationToken))
        {
            return NotFound(username);
        }

        await audit.AppendAccountEventAsync(http, "user.password-reset.issue", username, cancellationToken);
        logs.CreateLogger(typeof(UserAdminApi)).LogInformation("Password-reset link issued for account {Username}, valid until {ExpiresAt}", username, expiresAt);
        var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/#/reset/{token}";
        return TypedResults.Created($"/api/users/{Uri.EscapeDataString(username)}", new PasswordResetLink(url, expiresAt));
    }

    /// <summary>
    /// Spends a link: sets the new password and ends every session of the account. A spent, expired,
    /// replaced or unknown link, or one of a disabled account, gets the same 400, and changes nothing.
    /// </summary>
    private static async Task<Results<Ok<PasswordResetDone>, ValidationProblem>> CompleteReset(
        CompletePasswordResetRequest request, HttpContext http, UserAccounts users, AccountAccess access, DashboardConnections dashboards,
        AuditStore audit, IPasswordHasher<UserRecord> hasher, IOptions<AuthOptions> options, TimeProvider clock, ILoggerFactory logs,
        CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var token = errors.Text("token", request.Token, 100);
        var password = errors.Required("password", request.Password);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = clock.GetUtcNow();
        var tokenHash = Hash(token!);
        if (await users.FindByPasswordResetAsync(tokenHash, now, cancellationToken) is not { } user)
        {
            return InvalidLink();
        }

        foreach (var problem in PasswordPolicy.Problems(user.Username, password!, options.Value.MinimumPasswordLength))
        {
            errors.Add("password", problem);
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (!await users.CompletePasswordResetAsync(tokenHash, hasher.HashPassword(user, password!), now, cancellationToken))
        {
            // Spent by a concurrent use, or expired, between the look-up and now.
            return InvalidLink();
        }

        access.Forget(user.Username);
        var closed = dashboards.CloseAll(user.Username);
        await audit.AppendAccountEventAsync(http, "user.password-reset.complete", user.Username, cancellationToken, actor: user.Username);
        logs.CreateLogger(typeof(UserAdminApi)).LogInformation(
            "Password of account {Username} reset by its one-time link; {Connections} dashboard connections closed", user.Username, closed);
        return TypedResults.Ok(new PasswordResetDone(user.Username));
    }

    public static UserView View(UserRecord user) => new(user.Username, user.DisplayName, user.AgencyId, user.Roles, user.Language, user.Disabled, user.Country);

    private static ProblemHttpResult NotFound(string username) =>
        TypedResults.Problem(title: "Not found", detail: $"User '{username}' was not found.", statusCode: StatusCodes.Status404NotFound);

    private static ValidationProblem InvalidLink() =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["token"] = ["This link is not valid: it was used already, it expired, or a newer link replaced it. Ask your administrator for a new one."] },
            title: "Invalid password-reset link");

    /// <summary>What the database keeps of a link's token: its SHA-256 (the token is 256 random bits, so no salt or stretching is needed).</summary>
    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
