namespace Coordination.Web.Auth;

/// <summary>
/// What a password must be (NIST SP 800-63B in spirit): long enough, not absurdly long, not the
/// username or the product's name, not one of the passwords every attacker tries first, and not a
/// run of a few repeated characters. No composition rules: a long phrase beats "P@ssw0rd!".
/// </summary>
public static class PasswordPolicy
{
    public const int MaximumLength = 128;
    private const int MinimumDistinctCharacters = 5;

    // Passwords of twelve characters or more that lead every breach list, plus this product's words.
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "123456789012", "1234567890123", "12345678901234", "123456789abc", "1q2w3e4r5t6y", "1qaz2wsx3edc",
        "qwertyuiop12", "qwertyuiopas", "qwerty123456", "qwertyqwerty", "password1234", "password123!",
        "passwordpassword", "password12345", "iloveyou1234", "administrator", "administrator1", "welcome12345",
        "letmein12345", "changeme1234", "abcdefghijkl", "abc123abc123", "trafficking1", "consulate123",
    };

    /// <summary>The reasons <paramref name="password"/> is refused; empty when it is acceptable.</summary>
    public static IReadOnlyList<string> Problems(string username, string password, int minimumLength)
    {
        var problems = new List<string>();
        if (password.Length < minimumLength)
        {
            problems.Add($"At least {minimumLength} characters.");
        }

        if (password.Length > MaximumLength)
        {
            problems.Add($"At most {MaximumLength} characters.");
        }

        if (username.Length > 0 && password.Contains(username, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("Must not contain the username.");
        }

        if (Common.Contains(password) || password.Contains("coordination", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("Too common or too easy to guess; use a passphrase of several words.");
        }

        if (password.Distinct().Count() < MinimumDistinctCharacters)
        {
            problems.Add($"Needs at least {MinimumDistinctCharacters} different characters.");
        }

        return problems;
    }
}
