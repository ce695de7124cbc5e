using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Coordination.Tests.Security;

/// <summary>Hand-made JSON Web Tokens, to forge, tamper with and expire them the way an attacker (or a clock) would.</summary>
public static class Jwt
{
    public const string Issuer = "coordination";
    public const string Audience = "coordination";

    /// <summary>Claims of a token as the web host issues them, lasting <paramref name="lifetime"/> from <paramref name="issuedAt"/>.</summary>
    public static Dictionary<string, object> Claims(string username, string? agencyId, string[] roles, DateTimeOffset issuedAt, TimeSpan lifetime, DateTimeOffset? sessionStart = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = username,
            ["role"] = roles.Length == 1 ? roles[0] : roles,
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["nbf"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = (issuedAt + lifetime).ToUnixTimeSeconds(),
            ["auth_time"] = (sessionStart ?? issuedAt).ToUnixTimeSeconds(),
        };
        if (agencyId is not null)
        {
            claims["agency"] = agencyId;
        }

        return claims;
    }

    /// <summary>Signs with HMAC-SHA256 (or, with <paramref name="sha512"/>, HMAC-SHA512) under <paramref name="key"/>; with no key, an unsigned <c>alg: none</c> token.</summary>
    public static string Sign(IReadOnlyDictionary<string, object> claims, byte[]? key, bool sha512 = false)
    {
        var algorithm = key is null ? "none" : sha512 ? "HS512" : "HS256";
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = algorithm, ["typ"] = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var input = Encoding.ASCII.GetBytes($"{header}.{payload}");
        var signature = key is null ? string.Empty : Encode(sha512 ? HMACSHA512.HashData(key, input) : HMACSHA256.HashData(key, input));
        return $"{header}.{payload}.{signature}";
    }

    /// <summary>The token with its payload replaced and its original signature kept.</summary>
    public static string Tamper(string token, IReadOnlyDictionary<string, object> claims)
    {
        var parts = token.Split('.');
        return $"{parts[0]}.{Encode(JsonSerializer.SerializeToUtf8Bytes(claims))}.{parts[2]}";
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
