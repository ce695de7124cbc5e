using System.Security.Claims;
using System.Text.RegularExpressions;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Web.Errors;
using Coordination.Web.Idempotency;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.Web.Auth;

public sealed record TokenRequest(string? Username, string? Password);

public sealed record TokenResponse(
    string AccessToken, DateTimeOffset ExpiresAt, string Username, string? AgencyId, IReadOnlyList<string> Roles, string DisplayName, string Language);

public sealed record CreateUserRequest(string? Username, string? Password, string? DisplayName, string? AgencyId, IReadOnlyList<string?>? Roles, string? Language);

public sealed record MeView(string Username, string DisplayName, IReadOnlyList<string> Roles, string Language, Agency? Agency);

public sealed record UserView(string Username, string DisplayName, string? AgencyId, IReadOnlyList<string> Roles, string Language);

public static partial class AuthApi
{
    public static IServiceCollection AddAuthApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>()
            .Bind(configuration.GetSection(AuthOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.KeyBytes().Length >= 32, "Coordination:Auth:SigningKey must be base64 of at least 32 bytes.")
            .ValidateOnStart();

        services.AddSingleton<UserStore>();
        services.AddSingleton<IPasswordHasher<UserRecord>, PasswordHasher<UserRecord>>();
        services.AddHostedService<AdminBootstrap>();

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
                };
            });
        services.AddAuthorization();
        return services;
    }

    public static WebApplication MapAuthApi(this WebApplication app)
    {
        app.MapPost("/api/auth/token", IssueToken).AllowAnonymous().WithTags("Auth");
        app.MapPost("/api/users", CreateUser).RequireAuthorization(p => p.RequireRole(Roles.Admin)).WithTags("Auth").WithIdempotency();
        app.MapGet("/api/me", Me).RequireAuthorization().WithTags("Auth");
        return app;
    }

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> IssueToken(
        TokenRequest request, UserStore users, IPasswordHasher<UserRecord> hasher, IOptions<AuthOptions> options,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var username = errors.Text("username", request.Username, 64);
        var password = errors.Required("password", request.Password);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var user = await users.FindAsync(username!, cancellationToken);
        if (user is null || user.Disabled || hasher.VerifyHashedPassword(user, user.PasswordHash, password!) == PasswordVerificationResult.Failed)
        {
            return TypedResults.Problem(title: "Invalid credentials", detail: "The username or password is wrong.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var auth = options.Value;
        var expires = clock.GetUtcNow() + auth.TokenLifetime;
        var claims = new List<Claim> { new(CoordinationClaims.Username, user.Username) };
        if (user.AgencyId is not null)
        {
            claims.Add(new Claim(CoordinationClaims.Agency, user.AgencyId));
        }

        claims.AddRange(user.Roles.Select(r => new Claim(CoordinationClaims.Role, r)));
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            IssuedAt = clock.GetUtcNow().UtcDateTime,
            NotBefore = clock.GetUtcNow().UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(auth.KeyBytes()), SecurityAlgorithms.HmacSha256),
        });
        return TypedResults.Ok(new TokenResponse(token, expires, user.Username, user.AgencyId, user.Roles, user.DisplayName, user.Language));
    }

    private static async Task<Results<Created<UserView>, ValidationProblem, ProblemHttpResult>> CreateUser(
        CreateUserRequest request, UserStore users, IPasswordHasher<UserRecord> hasher, IOptions<AuthOptions> options,
        IClusterClient cluster, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var username = errors.Pattern("username", request.Username, UsernamePattern(), "3–64 characters: lower-case letters, digits, '.', '_' or '-'.");
        var password = errors.Required("password", request.Password);
        if (password is not null && password.Length < options.Value.MinimumPasswordLength)
        {
            errors.Add("password", $"At least {options.Value.MinimumPasswordLength} characters.");
        }

        var displayName = errors.Text("displayName", request.DisplayName, 200);
        var roles = errors.List("roles", request.Roles, Roles.All.Count);
        if (request.Roles is not null && roles.Count == 0)
        {
            errors.Add("roles", "At least one role.");
        }

        foreach (var role in roles.Where(r => !Roles.All.Contains(r)))
        {
            errors.Add("roles", $"'{role}' is not a role; roles are {string.Join(", ", Roles.All)}.");
        }

        var language = request.Language ?? "en";
        if (!Roles.Languages.Contains(language))
        {
            errors.Add("language", "Either 'en' or 'ru'.");
        }

        var agencyId = errors.Text("agencyId", request.AgencyId, 64, required: !(roles.Count == 1 && roles[0] == Roles.Admin));
        if (agencyId is not null && await cluster.GetGrain<IAgencyDirectoryGrain>(0).Get(agencyId) is null)
        {
            errors.Add("agencyId", $"Agency '{agencyId}' does not exist.");
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var user = new UserRecord(username!, string.Empty, displayName!, agencyId, roles.ToArray(), language, false);
        if (!await users.TryCreateAsync(user with { PasswordHash = hasher.HashPassword(user, password!) }, cancellationToken))
        {
            throw DomainException.Conflict($"User '{username}' already exists.");
        }

        var view = new UserView(user.Username, user.DisplayName, user.AgencyId, user.Roles, user.Language);
        return TypedResults.Created($"/api/users/{user.Username}", view);
    }

    /// <summary>The signed-in user and their agency, for a dashboard to render itself.</summary>
    private static async Task<Results<Ok<MeView>, ProblemHttpResult>> Me(HttpContext http, UserStore users, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(http.User.FindFirstValue(CoordinationClaims.Username) ?? string.Empty, cancellationToken);
        if (user is null || user.Disabled)
        {
            return TypedResults.Problem(title: "Unknown user", statusCode: StatusCodes.Status401Unauthorized);
        }

        var agency = user.AgencyId is null ? null : await cluster.GetGrain<IAgencyDirectoryGrain>(0).Get(user.AgencyId);
        return TypedResults.Ok(new MeView(user.Username, user.DisplayName, user.Roles, user.Language, agency));
    }

    /// <summary>The caller as the grains know it; null when the user belongs to no agency (e.g. the bootstrap admin).</summary>
    public static Actor? ToActor(this ClaimsPrincipal user, HttpContext http)
    {
        var username = user.FindFirstValue(CoordinationClaims.Username);
        var agency = user.FindFirstValue(CoordinationClaims.Agency);
        return username is null || agency is null ? null : new Actor(username, agency, http.Connection.RemoteIpAddress?.ToString());
    }

    [GeneratedRegex("^[a-z0-9._-]{3,64}$")]
    private static partial Regex UsernamePattern();
}
