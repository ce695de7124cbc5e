using System.ComponentModel.DataAnnotations;

namespace Coordination.Web.Auth;

/// <summary>Token issuing and account protection (section <c>Coordination:Auth</c>). The signing key never lives in the repository.</summary>
public sealed class AuthOptions
{
    public const string Section = "Coordination:Auth";

    /// <summary>Base64 HMAC-SHA256 key of at least 32 bytes (environment variable Coordination__Auth__SigningKey).</summary>
    [Required(ErrorMessage = "Coordination:Auth:SigningKey is required (base64, at least 32 bytes); set Coordination__Auth__SigningKey.")]
    public string SigningKey { get; set; } = string.Empty;

    [Required]
    public string Issuer { get; set; } = "coordination";

    [Required]
    public string Audience { get; set; } = "coordination";

    /// <summary>How long one access token lives; a client refreshes it (POST /api/auth/refresh) before then.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long after signing in with a password tokens can still be refreshed; then the user signs in again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    [Range(12, 128)]
    public int MinimumPasswordLength { get; set; } = 12;

    /// <summary>Consecutive failed sign-ins that lock an account for <see cref="LockoutDuration"/>.</summary>
    [Range(3, 100)]
    public int FailedSignInsBeforeLockout { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a web host may rely on what it last read of an account (disabled, tokens revoked)
    /// before reading it again; also how often it checks the accounts behind open dashboard
    /// connections. The host where an admin disables an account applies it at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan AccessCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Sign-in attempts (POST /api/auth/token) allowed per client address and window.</summary>
    [Range(1, 1_000_000)]
    public int SignInPermitLimit { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a password-reset link an administrator issues stays valid (it is spent by its first use).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Whether every account that can read personal data (the case workers' roles) signs in with a second
    /// factor. One that has none yet is let in only to enrol one (<c>#/mfa</c>, <c>POST /api/me/mfa/totp</c>).
    /// An account that has enrolled always needs its code, whatever this says.
    /// </summary>
    public bool RequireMfa { get; set; }

    /// <summary>The issuer an authenticator app shows beside the account.</summary>
    [Required]
    public string MfaIssuer { get; set; } = "Coordination";

    public byte[] KeyBytes()
    {
        try
        {
            return Convert.FromBase64String(SigningKey);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
