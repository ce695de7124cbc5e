using System.Globalization;
using System.Security.Claims;
using Coordination.Contracts.Accounts;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coordination.Web.Auth;

/// <summary>
/// Issues access tokens. Each carries the time its session began with a password
/// (<see cref="CoordinationClaims.SessionStart"/>): refreshing keeps it, so no chain of refreshes
/// outlives <see cref="AuthOptions.SessionLifetime"/>, and no token outlives its session.
/// </summary>
public sealed class TokenIssuer(IOptions<AuthOptions> options, TimeProvider clock)
{
    /// <summary>A token for <paramref name="user"/>; with <paramref name="enrolmentOnly"/>, one that reaches only the second factor's enrolment.</summary>
    public TokenResponse Issue(UserRecord user, DateTimeOffset sessionStart, bool enrolmentOnly = false)
    {
        var auth = options.Value;
        var now = clock.GetUtcNow();
        var sessionEnd = sessionStart + auth.SessionLifetime;
        var expires = now + auth.TokenLifetime < sessionEnd ? now + auth.TokenLifetime : sessionEnd;
        var claims = new List<Claim>
        {
            new(CoordinationClaims.Username, user.Username),
            new(CoordinationClaims.SessionStart, sessionStart.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64),
            new(CoordinationClaims.IssuedAtMilliseconds, now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
        };
        if (user.AgencyId is not null)
        {
            claims.Add(new Claim(CoordinationClaims.Agency, user.AgencyId));
        }

        claims.AddRange(user.Roles.Select(r => new Claim(CoordinationClaims.Role, r)));
        if (enrolmentOnly)
        {
            claims.Add(new Claim(CoordinationClaims.MfaEnrolment, "enrol"));
        }

        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(auth.KeyBytes()), SecurityAlgorithms.HmacSha256),
        });
        return new TokenResponse(token, expires, user.Username, user.AgencyId, user.Roles, user.DisplayName, user.Language, enrolmentOnly);
    }

    /// <summary>When the session of <paramref name="user"/> began, from its token; null when the token does not say.</summary>
    public static DateTimeOffset? SessionStartOf(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst(CoordinationClaims.SessionStart)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    /// <summary>
    /// When the token behind <paramref name="user"/> was issued: to the millisecond
    /// (<see cref="CoordinationClaims.IssuedAtMilliseconds"/>), else its <c>iat</c>; the epoch when it does not say.
    /// </summary>
    public static DateTimeOffset IssuedAtOf(ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst(CoordinationClaims.IssuedAtMilliseconds)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : long.TryParse(user.FindFirst(JwtRegisteredClaimNames.Iat)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : DateTimeOffset.UnixEpoch;
}
