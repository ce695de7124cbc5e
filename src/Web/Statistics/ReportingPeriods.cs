using System.Globalization;
using Coordination.Contracts.Statistics;
using Coordination.Web.Errors;

namespace Coordination.Web.Statistics;

/// <summary>
/// The explicit period of statistics and reports, from the query string: <c>from</c> inclusive,
/// <c>to</c> exclusive. A date means midnight UTC (<c>from=2026-01-01&amp;to=2026-04-01</c> is the
/// first quarter); a date-time must carry its offset (encode '+' as %2B). The period is then
/// widened to whole UTC days (<c>from</c> back to its midnight, <c>to</c> on to the next), the
/// period the answer reports: narrowing the window below a day cannot single out one case.
/// </summary>
public static class ReportingPeriods
{
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(2101, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ReportingPeriod? Parse(string? from, string? to, RequestErrors errors)
    {
        var start = Instant(errors, "from", from);
        var end = Instant(errors, "to", to);
        if (start is null || end is null)
        {
            return null;
        }

        if (end <= start)
        {
            errors.Add("to", "Must be after from: the period is [from, to).");
            return null;
        }

        return new ReportingPeriod(Midnight(start.Value), end.Value == Midnight(end.Value) ? end.Value : Midnight(end.Value).AddDays(1));
    }

    private static DateTimeOffset? Instant(RequestErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "Required: statistics are always over an explicit period, e.g. from=2026-01-01&to=2026-04-01.");
            return null;
        }

        DateTimeOffset? instant = null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            instant = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }
        else if (value.Contains('T') && HasOffset(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            instant = parsed.ToUniversalTime();
        }

        if (instant is null)
        {
            errors.Add(field, "A date (yyyy-MM-dd, midnight UTC) or an ISO-8601 date-time with offset, e.g. 2026-01-01T00:00:00Z.");
        }
        else if (instant < Earliest || instant > Latest)
        {
            errors.Add(field, "Between 2000-01-01 and 2101-01-01.");
            instant = null;
        }

        return instant;
    }

    private static DateTimeOffset Midnight(DateTimeOffset instant) => new(instant.UtcDateTime.Date, TimeSpan.Zero);

    private static bool HasOffset(string value)
    {
        var time = value[(value.IndexOf('T') + 1)..];
        return time.EndsWith('Z') || time.EndsWith('z') || time.Contains('+') || time.Contains('-');
    }
}
