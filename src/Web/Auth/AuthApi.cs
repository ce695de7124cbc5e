using System.Security.Claims;
using System.Text.RegularExpressions;
using Coordination.Contracts.Accounts;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Web.Audit;
using Coordination.Web.Errors;
using Coordination.Web.Feeds;
using Coordination.Web.Idempotency;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.Web.Auth;

public sealed record TokenRequest(string? Username, string? Password, string? Otp = null);

public sealed record TokenResponse(
    string AccessToken, DateTimeOffset ExpiresAt, string Username, string? AgencyId, IReadOnlyList<string> Roles, string DisplayName, string Language,
    bool MfaEnrolmentRequired = false);

public sealed record CreateUserRequest(
    string? Username, string? Password, string? DisplayName, string? AgencyId, IReadOnlyList<string?>? Roles, string? Language, string? Country = null);

/// <summary>The signed-in user; <see cref="Country"/> is the country a country administrator administers.</summary>
public sealed record MeView(string Username, string DisplayName, IReadOnlyList<string> Roles, string Language, Agency? Agency, string? Country = null);

public sealed record UserView(string Username, string DisplayName, string? AgencyId, IReadOnlyList<string> Roles, string Language, bool Disabled = false, string? Country = null);

public static partial class AuthApi
{
    public static IServiceCollection AddAuthApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>()
            .Bind(configuration.GetSection(AuthOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.KeyBytes().Length >= 32, "Coordination:Auth:SigningKey must be base64 of at least 32 bytes.")
            .ValidateOnStart();

        services.AddSingleton<UserAccounts>();
        services.AddSingleton<SecondFactors>();
        services.AddSingleton<AccountAccess>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<IPasswordHasher<UserRecord>, PasswordHasher<UserRecord>>();
        services.AddHostedService<AdminBootstrap>();
        services.AddSignInRateLimit(configuration);

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    IssuerSigningKey = new SymmetricSecurityKey(auth.Value.KeyBytes()),
                    // Only what the issuer signs with: no algorithm chosen by whoever made the token.
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = CoordinationClaims.Username,
                    RoleClaimType = CoordinationClaims.Role,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                jwt.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on WebSocket requests: SignalR sends the token in the query.
                    OnMessageReceived = context =>
                    {
                        if (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"] is { Count: > 0 } token)
                        {
                            context.Token = token.ToString();
                        }

                        return Task.CompletedTask;
                    },
                    // A valid signature is not enough: the account must still be active and the token not revoked.
                    OnTokenValidated = async context =>
                    {
                        var access = context.HttpContext.RequestServices.GetRequiredService<AccountAccess>();
                        var username = context.Principal?.FindFirstValue(CoordinationClaims.Username);
                        if (username is null || !await access.AcceptsAsync(username, TokenIssuer.IssuedAtOf(context.Principal!), context.HttpContext.RequestAborted))
                        {
                            context.Fail("The account is disabled or this token was revoked.");
                        }
                    },
                };
            });
        services.AddAuthorization();
        return services;
    }

    public static WebApplication MapAuthApi(this WebApplication app)
    {
        app.MapPost("/api/auth/token", IssueToken).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy).WithTags("Auth");
        app.MapPost("/api/auth/refresh", Refresh).RequireAuthorization().WithTags("Auth");
        app.MapPost("/api/users", CreateUser).RequireAuthorization(p => p.RequireRole(Roles.UserManagers)).WithTags("Auth").WithIdempotency();
        app.MapPost("/api/users/{username}/disable", Disable).RequireAuthorization(p => p.RequireRole(Roles.UserManagers)).WithTags("Auth");
        app.MapPost("/api/users/{username}/enable", Enable).RequireAuthorization(p => p.RequireRole(Roles.UserManagers)).WithTags("Auth");
        app.MapGet("/api/me", Me).RequireAuthorization().WithTags("Auth");
        return app;
    }

    /// <summary>
    /// Signs in with a password. Every refusal looks the same — unknown user, wrong password,
    /// disabled or locked account — so the answer tells an attacker nothing about the account.
    /// </summary>
    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> IssueToken(
        TokenRequest request, UserAccounts users, SecondFactors secondFactors, IPasswordHasher<UserRecord> hasher, IOptions<AuthOptions> options,
        TokenIssuer tokens, TimeProvider clock, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var username = errors.Text("username", request.Username, 64);
        var password = errors.Required("password", request.Password);
        if (password is { Length: > PasswordPolicy.MaximumLength })
        {
            errors.Add("password", $"At most {PasswordPolicy.MaximumLength} characters.");
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var auth = options.Value;
        var now = clock.GetUtcNow();
        var user = await users.FindAsync(username!, cancellationToken);
        if (user is null)
        {
            // As slow as a real check, so response times do not reveal which usernames exist.
            hasher.VerifyHashedPassword(Nobody, NobodysHash.Value, password!);
            return InvalidCredentials();
        }

        if (user.Disabled || user.LockedUntil > now)
        {
            return InvalidCredentials();
        }

        if (hasher.VerifyHashedPassword(user, user.PasswordHash, password!) == PasswordVerificationResult.Failed)
        {
            if (await users.RecordFailedSignInAsync(user.Username, auth.FailedSignInsBeforeLockout, now + auth.LockoutDuration, cancellationToken) is { } until)
            {
                logs.CreateLogger(typeof(AuthApi)).LogWarning(
                    "Account {Username} locked until {LockedUntil} after {Count} failed sign-ins", user.Username, until, auth.FailedSignInsBeforeLockout);
            }

            return InvalidCredentials();
        }

        var factor = await secondFactors.StatusAsync(user.Username, cancellationToken);
        if (factor.Enrolled)
        {
            if (string.IsNullOrWhiteSpace(request.Otp))
            {
                // The password was right: saying a code is needed tells nothing the password did not.
                return SecondFactorApi.CodeRequired();
            }

            if (request.Otp.Length > 32 || !await secondFactors.VerifyAsync(user.Username, request.Otp, cancellationToken))
            {
                await users.RecordFailedSignInAsync(user.Username, auth.FailedSignInsBeforeLockout, now + auth.LockoutDuration, cancellationToken);
                return InvalidCredentials();
            }
        }

        await users.RecordSignInAsync(user.Username, cancellationToken);
        return TypedResults.Ok(tokens.Issue(user, now, enrolmentOnly: SecondFactorApi.MustEnrol(auth, user, factor)));
    }

    /// <summary>A new short-lived token for an active account, within the session the password began.</summary>
    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Refresh(
        HttpContext http, UserAccounts users, SecondFactors secondFactors, TokenIssuer tokens, IOptions<AuthOptions> options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var sessionStart = TokenIssuer.SessionStartOf(http.User);
        if (sessionStart is null || sessionStart + options.Value.SessionLifetime <= clock.GetUtcNow())
        {
            return TypedResults.Problem(title: "Session expired", detail: "Sign in with your password again.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var user = await users.FindAsync(http.User.FindFirstValue(CoordinationClaims.Username) ?? string.Empty, cancellationToken);
        if (user is null || user.Disabled)
        {
            return InvalidCredentials();
        }

        var factor = await secondFactors.StatusAsync(user.Username, cancellationToken);
        return TypedResults.Ok(tokens.Issue(user, sessionStart.Value, enrolmentOnly: SecondFactorApi.MustEnrol(options.Value, user, factor)));
    }

    private static Task<Results<Ok<UserView>, ProblemHttpResult>> Disable(
        string username, HttpContext http, UserAccounts users, IClusterClient cluster, AccountAccess access, DashboardConnections dashboards, AuditStore audit,
        TimeProvider clock, ILoggerFactory logs, CancellationToken cancellationToken) =>
        SetDisabledAsync(username, true, http, users, cluster, access, dashboards, audit, clock, logs, cancellationToken);

    private static Task<Results<Ok<UserView>, ProblemHttpResult>> Enable(
        string username, HttpContext http, UserAccounts users, IClusterClient cluster, AccountAccess access, DashboardConnections dashboards, AuditStore audit,
        TimeProvider clock, ILoggerFactory logs, CancellationToken cancellationToken) =>
        SetDisabledAsync(username, false, http, users, cluster, access, dashboards, audit, clock, logs, cancellationToken);

    /// <summary>
    /// Disabling takes effect at once on this host — the account's next request is refused and its
    /// open dashboards are closed — and on other hosts within <see cref="AuthOptions.AccessCheckInterval"/>.
    /// </summary>
    private static async Task<Results<Ok<UserView>, ProblemHttpResult>> SetDisabledAsync(
        string username, bool disabled, HttpContext http, UserAccounts users, IClusterClient cluster, AccountAccess access, DashboardConnections dashboards,
        AuditStore audit, TimeProvider clock, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var admin = http.User.FindFirstValue(CoordinationClaims.Username)!;
        if (disabled && string.Equals(admin, username, StringComparison.Ordinal))
        {
            throw DomainException.Conflict("You cannot disable your own account.");
        }

        var reach = await AdminReach.OfAsync(http.User, users, cancellationToken);
        if (!reach.IsGlobal && !await reach.CoversAsync(await users.FindAsync(username, cancellationToken), cluster))
        {
            return UserNotFound(username);
        }

        if (!await users.SetDisabledAsync(username, disabled, clock.GetUtcNow(), cancellationToken))
        {
            return UserNotFound(username);
        }

        access.Forget(username);
        var closed = disabled ? dashboards.CloseAll(username) : 0;
        await audit.AppendAccountEventAsync(http, disabled ? "user.disable" : "user.enable", username, cancellationToken);
        logs.CreateLogger(typeof(AuthApi)).LogInformation(
            "Account {Username} {Change} by {Admin}; {Connections} dashboard connections closed", username, disabled ? "disabled" : "enabled", admin, closed);

        var user = (await users.FindAsync(username, cancellationToken))!;
        return TypedResults.Ok(UserAdminApi.View(user));
    }

    private static ProblemHttpResult UserNotFound(string username) =>
        TypedResults.Problem(title: "Not found", detail: $"User '{username}' was not found.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult InvalidCredentials() =>
        TypedResults.Problem(
            title: "Invalid credentials",
            detail: "The username or password is wrong, or the account is disabled or locked for a while after repeated failed sign-ins.",
            statusCode: StatusCodes.Status401Unauthorized);

    private static readonly UserRecord Nobody = new("nobody", string.Empty, string.Empty, null, [], "en", true);

    private static readonly Lazy<string> NobodysHash = new(() =>
        new PasswordHasher<UserRecord>().HashPassword(Nobody, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    private static async Task<Results<Created<UserView>, ValidationProblem, ProblemHttpResult>> CreateUser(
        CreateUserRequest request, HttpContext http, UserAccounts users, IPasswordHasher<UserRecord> hasher, IOptions<AuthOptions> options,
        IClusterClient cluster, CancellationToken cancellationToken)
    {
        var reach = await AdminReach.OfAsync(http.User, users, cancellationToken);
        var errors = new RequestErrors();
        var username = errors.Pattern("username", request.Username, UsernamePattern(), "3–64 characters: lower-case letters, digits, '.', '_' or '-'.");
        var password = errors.Required("password", request.Password);
        if (password is not null)
        {
            foreach (var problem in PasswordPolicy.Problems(username ?? string.Empty, password, options.Value.MinimumPasswordLength))
            {
                errors.Add("password", problem);
            }
        }

        var (displayName, roles, language, agencyId, country) = await UserFields.ReadAsync(
            errors, request.DisplayName, request.Roles, request.Language, request.AgencyId, request.Country, reach, cluster);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var user = new UserRecord(username!, string.Empty, displayName!, agencyId, roles, language, false, Country: country);
        if (!await users.TryCreateAsync(user with { PasswordHash = hasher.HashPassword(user, password!) }, cancellationToken))
        {
            throw DomainException.Conflict($"User '{username}' already exists.");
        }

        return TypedResults.Created($"/api/users/{user.Username}", UserAdminApi.View(user));
    }

    /// <summary>The signed-in user and their agency, for a dashboard to render itself.</summary>
    private static async Task<Results<Ok<MeView>, ProblemHttpResult>> Me(HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(http.User.FindFirstValue(CoordinationClaims.Username) ?? string.Empty, cancellationToken);
        if (user is null || user.Disabled)
        {
            return TypedResults.Problem(title: "Unknown user", statusCode: StatusCodes.Status401Unauthorized);
        }

        var agency = user.AgencyId is null ? null : await cluster.GetGrain<IAgencyDirectoryGrain>(0).Get(user.AgencyId);
        return TypedResults.Ok(new MeView(user.Username, user.DisplayName, user.Roles, user.Language, agency, user.Country));
    }

    /// <summary>The caller as the grains know it; null when the user belongs to no agency (e.g. the bootstrap admin).</summary>
    public static Actor? ToActor(this ClaimsPrincipal user, HttpContext http)
    {
        var username = user.FindFirstValue(CoordinationClaims.Username);
        var agency = user.FindFirstValue(CoordinationClaims.Agency);
        return username is null || agency is null ? null : new Actor(username, agency, http.Connection.RemoteIpAddress?.ToString());
    }

    /// <summary>An administrator as the audit log records them: one need not belong to an agency, and the log then records none.</summary>
    public static Actor ToAdministrator(this ClaimsPrincipal user, HttpContext http) => new(
        user.FindFirstValue(CoordinationClaims.Username) ?? string.Empty,
        user.FindFirstValue(CoordinationClaims.Agency) ?? string.Empty,
        http.Connection.RemoteIpAddress?.ToString());

    [GeneratedRegex(@"^[a-z0-9._-]{3,64}\z")]
    private static partial Regex UsernamePattern();
}
