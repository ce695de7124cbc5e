using System.Globalization;
using System.Text.RegularExpressions;
using Coordination.Contracts.Common;

namespace Coordination.Web.Errors;

/// <summary>
/// Collects field errors of one request so the caller gets them all at once, as the
/// <c>errors</c> map of a 400 validation problem. Validation happens once, here at the edge.
/// </summary>
public sealed partial class RequestErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public T? Required<T>(string field, T? value) where T : struct
    {
        if (value is null)
        {
            Add(field, "Required.");
        }

        return value;
    }

    public TRef? Required<TRef>(string field, TRef? value) where TRef : class
    {
        if (value is null)
        {
            Add(field, "Required.");
        }

        return value;
    }

    /// <summary>
    /// Free text: trimmed, within length, no control characters, no explicit bidirectional
    /// overrides (they make a name or note display as something else on another agency's
    /// dashboard) and no broken UTF-16. Any script is welcome: Cyrillic, Arabic, emoji.
    /// </summary>
    public string? Text(string field, string? value, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, "Required.");
            }

            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }
        else if (trimmed.Any(char.IsControl))
        {
            Add(field, "Must not contain control characters.");
        }
        else if (trimmed.Any(IsBidiOverride))
        {
            Add(field, "Must not contain bidirectional override characters (U+202A–U+202E, U+2066–U+2069).");
        }
        else if (HasLoneSurrogate(trimmed))
        {
            Add(field, "Must be valid Unicode text.");
        }

        return trimmed;
    }

    /// <summary>A point in time from text outside JSON (a query string): ISO-8601 with its offset (<see cref="Instants"/>), between 2000 and 2100.</summary>
    public DateTimeOffset? Instant(string field, string? text, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                Add(field, "Required.");
            }

            return null;
        }

        if (!Instants.TryParse(text, out var value))
        {
            Add(field, Instants.Explanation);
            return null;
        }

        if (value < Instants.Earliest || value > Instants.Latest)
        {
            Add(field, $"Between {Instants.Earliest:yyyy-MM-dd} and {Instants.Latest:yyyy-MM-dd}.");
            return null;
        }

        return value;
    }

    /// <summary>An enumeration value from text outside JSON (a query string, a CSV cell): exactly a member's name (<see cref="StrictEnum"/>).</summary>
    public T? Enumerated<T>(string field, string? text, bool required = true) where T : struct, Enum
    {
        if (text is null)
        {
            if (required)
            {
                Add(field, "Required.");
            }

            return null;
        }

        if (StrictEnum.TryParse<T>(text, out var value))
        {
            return value;
        }

        Add(field, $"'{text}' is not one of {string.Join(", ", StrictEnum.NamesOf<T>())}.");
        return null;
    }

    public string? Pattern(string field, string? value, Regex pattern, string explanation, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, "Required.");
            }

            return null;
        }

        if (!pattern.IsMatch(value))
        {
            Add(field, explanation);
        }

        return value;
    }

    /// <summary>An ISO 3166-1 alpha-2 country code, upper case.</summary>
    public string? Country(string field, string? value, bool required = true)
    {
        var code = Pattern(field, value, CountryPattern(), "An ISO 3166-1 alpha-2 country code in capitals, e.g. KG.", required);
        if (code is not null && CountryPattern().IsMatch(code) && !IsKnownCountry(code))
        {
            Add(field, $"'{code}' is not an ISO 3166-1 country code.");
        }

        return code;
    }

    public string? Airport(string field, string? value, bool required = true) =>
        Pattern(field, value, AirportPattern(), "An IATA airport code in capitals, e.g. FRU.", required);

    public string? TimeZone(string field, string? value)
    {
        var zone = Text(field, value, 64);
        // Checked for shape first: on Linux the id becomes a path under /usr/share/zoneinfo.
        if (zone is not null && (!TimeZonePattern().IsMatch(zone) || !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _)))
        {
            Add(field, $"'{zone}' is not a known IANA time zone, e.g. Asia/Bishkek.");
        }

        return zone;
    }

    public IReadOnlyList<T> List<T>(string field, IReadOnlyList<T?>? values, int maxCount, bool required = true)
    {
        if (values is null)
        {
            if (required)
            {
                Add(field, "Required.");
            }

            return [];
        }

        if (values.Count > maxCount)
        {
            Add(field, $"At most {maxCount} entries.");
        }

        if (values.Any(v => v is null))
        {
            Add(field, "Entries must not be null.");
        }

        return values.Where(v => v is not null).Select(v => v!).Distinct().ToList();
    }

    private static bool IsBidiOverride(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsKnownCountry(string code)
    {
        try
        {
            return new RegionInfo(code).TwoLetterISORegionName == code;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^[A-Z]{2}\z")]
    private static partial Regex CountryPattern();

    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex AirportPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}\z")]
    private static partial Regex TimeZonePattern();
}
