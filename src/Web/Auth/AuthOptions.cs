using System.ComponentModel.DataAnnotations;

namespace Coordination.Web.Auth;

/// <summary>Token issuing (section <c>Coordination:Auth</c>). The signing key never lives in the repository.</summary>
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

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    [Range(12, 128)]
    public int MinimumPasswordLength { get; set; } = 12;

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
