using System.Globalization;
using Coordination.Contracts.Agencies;

namespace Coordination.Grains.Agencies;

/// <summary>
/// Who is on duty when, from a rota and the agency's time zone. Weekly shifts are laid out on the
/// local calendar and turned into instants day by day, so a night shift ends on the next day and a
/// shift across a daylight-saving change is an hour shorter or longer, as the wall clock says.
/// An override wins over every shift; among overlapping ones the one that started last wins (a sick
/// day inside a holiday week), and so among overlapping shifts.
/// </summary>
public sealed class OnCallSchedule(DutyRota rota, TimeZoneInfo zone)
{
    /// <summary>How far ahead "until", "next" and the gaps look: the week a weekly rota repeats.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(7);

    public string? OnDutyAt(DateTimeOffset at) => OnDutyAt(at, Segments(at, at));

    public OnCall At(DateTimeOffset now)
    {
        var segments = Segments(now, now + Horizon);
        var current = OnDutyAt(now, segments);
        foreach (var change in Boundaries(segments, now, now + Horizon))
        {
            var then = OnDutyAt(change, segments);
            if (!string.Equals(then, current, StringComparison.Ordinal))
            {
                return new OnCall(current, change, new NextOnDuty(then, change));
            }
        }

        return new OnCall(current, null, null);
    }

    /// <summary>The times between <paramref name="now"/> and the horizon in which nobody is on duty.</summary>
    public IReadOnlyList<DutyGap> Gaps(DateTimeOffset now)
    {
        var end = now + Horizon;
        var segments = Segments(now, end);
        var points = Boundaries(segments, now, end).Where(b => b < end).Prepend(now).Append(end).ToList();
        var gaps = new List<DutyGap>();
        for (var i = 0; i < points.Count - 1; i++)
        {
            if (OnDutyAt(points[i], segments) is not null)
            {
                continue;
            }

            if (gaps.Count > 0 && gaps[^1].To == points[i])
            {
                gaps[^1] = gaps[^1] with { To = points[i + 1] };
            }
            else
            {
                gaps.Add(new DutyGap(points[i], points[i + 1]));
            }
        }

        return gaps;
    }

    private static string? OnDutyAt(DateTimeOffset at, IReadOnlyList<Segment> segments) =>
        segments.Where(s => s.Start <= at && at < s.End)
            .OrderByDescending(s => s.IsOverride)
            .ThenByDescending(s => s.Start)
            .Select(s => s.Username)
            .FirstOrDefault();

    /// <summary>Every instant in (from, to] at which someone's duty starts or ends, in order.</summary>
    private static IEnumerable<DateTimeOffset> Boundaries(IReadOnlyList<Segment> segments, DateTimeOffset from, DateTimeOffset to) =>
        segments.SelectMany(s => new[] { s.Start, s.End }).Where(b => b > from && b <= to).Distinct().Order();

    /// <summary>The overrides, and the shifts of every local day that could touch [from, to].</summary>
    private List<Segment> Segments(DateTimeOffset from, DateTimeOffset to)
    {
        var segments = rota.Overrides.Select(o => new Segment(o.From, o.To, o.Username, true)).ToList();
        // A shift that started the day before may still run (a night or 24-hour shift).
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime).AddDays(-1);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to, zone).DateTime);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var name = DutyShift.DayNames[((int)day.DayOfWeek + 6) % 7];
            foreach (var shift in rota.Shifts.Where(s => s.Days.Contains(name, StringComparer.Ordinal)))
            {
                var start = TimeOnly.ParseExact(shift.From, DutyShift.TimeFormat, CultureInfo.InvariantCulture);
                var end = TimeOnly.ParseExact(shift.To, DutyShift.TimeFormat, CultureInfo.InvariantCulture);
                var endDay = end > start ? day : day.AddDays(1);
                segments.Add(new Segment(Instant(day.ToDateTime(start)), Instant(endDay.ToDateTime(end)), shift.Username, false));
            }
        }

        return segments;
    }

    /// <summary>
    /// The instant a wall-clock time of the zone names. A time the clocks skip (spring forward) is
    /// read with the offset before the change, i.e. as late as the skipped hour; a time the clocks
    /// pass twice (fall back) is its first passing.
    /// </summary>
    private DateTimeOffset Instant(DateTime local)
    {
        TimeSpan offset;
        if (zone.IsInvalidTime(local))
        {
            offset = zone.GetUtcOffset(local.AddDays(-1));
        }
        else if (zone.IsAmbiguousTime(local))
        {
            offset = zone.GetAmbiguousTimeOffsets(local).Max();
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }

        return new DateTimeOffset(local - offset, TimeSpan.Zero);
    }

    private sealed record Segment(DateTimeOffset Start, DateTimeOffset End, string Username, bool IsOverride);
}
