using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Committees;
using Coordination.Contracts.Statistics;

namespace Coordination.Web.Committees;

/// <summary>
/// The monitoring report as one printable HTML page: plain server-rendered markup, print CSS, and
/// every piece of text HTML-encoded (titles and names come from users).
/// </summary>
public static class ReportPage
{
    // Encodes markup characters but leaves Cyrillic and other letters readable in the source.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Style = """
        body { font: 11pt/1.4 "DejaVu Sans", Arial, sans-serif; color: #111; margin: 2em auto; max-width: 60em; }
        h1 { font-size: 18pt; margin-bottom: 0.2em; }
        h2 { font-size: 13pt; margin-top: 1.6em; border-bottom: 1px solid #999; }
        p.meta { color: #444; margin-top: 0; }
        table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
        th, td { border: 1px solid #bbb; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
        th { background: #eee; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        tr.total td { font-weight: bold; }
        .none { color: #666; font-style: italic; }
        footer { margin-top: 2em; color: #666; font-size: 9pt; }
        @page { size: A4; margin: 15mm; }
        @media print {
          body { margin: 0; max-width: none; font-size: 10pt; }
          h2 { break-after: avoid; }
          tr { break-inside: avoid; }
          thead { display: table-header-group; }
        }
        """;

    /// <summary>
    /// The CSP source that allows exactly this page's inline style. The dashboard opens the report
    /// as a blob: page, which inherits the dashboard's policy rather than the one report.html sends.
    /// </summary>
    public static string StyleSource { get; } =
        $"'sha256-{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'";

    public static string Render(MonitoringReport report)
    {
        var html = new StringBuilder();
        var period = $"{Day(report.Period.From)} – {Day(report.Period.To)}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>").Append(E($"Monitoring report — {report.CommitteeName} — {period}")).Append("</title>\n")
            .Append("<style>").Append(Style).Append("</style>\n</head>\n<body>\n");

        html.Append("<header>\n<h1>").Append(E($"Monitoring report: {report.CommitteeName}")).Append("</h1>\n")
            .Append("<p class=\"meta\">").Append(E($"Country {report.Country} · period {period} (to exclusive) · tasks as at {Instant(report.AsOf)} · generated {Instant(report.GeneratedAt)}"))
            .Append("</p>\n</header>\n");

        Tasks(html, report.Tasks);
        Implementation(html, report.Implementation);
        Indicators(html, report.Indicators);
        Overdue(html, report.Overdue);
        Meetings(html, report.Meetings);
        Statistics(html, report);

        html.Append("<footer>").Append(E("Aggregate figures only; this report contains no personal data of assisted persons. " +
            "Periods are half-open: a moment equal to the period's end belongs to the next period.")).Append("</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Tasks(StringBuilder html, TaskSummary tasks)
    {
        html.Append("<section>\n<h2>Tasks by area and status</h2>\n");
        Table(html, ["Area", "Total", "Not started", "In progress", "Done", "Blocked", "Overdue"], [0],
            tasks.ByArea.Select(a => Row(a.Area.ToString(), a.Total, a.NotStarted, a.InProgress, a.Done, a.Blocked, a.Overdue))
                .Append(Row("All areas", tasks.Total, tasks.NotStarted, tasks.InProgress, tasks.Done, tasks.Blocked, tasks.Overdue)),
            totalLast: true);
        html.Append("<p>").Append(E($"Tasks completed during the period: {tasks.CompletedInPeriod}.")).Append("</p>\n</section>\n");
    }

    private static void Implementation(StringBuilder html, IReadOnlyList<ReportTask> tasks)
    {
        html.Append("<section>\n<h2>Implementation by task</h2>\n");
        Table(html, ["Area", "Task", "Owner", "Due", "Status"], [0, 1, 2, 3, 4],
            tasks.Select(t => new[]
            {
                t.Area.ToString(), $"{t.TaskId} {t.Title}", t.OwnerName, t.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                t.DaysOverdue > 0 ? $"{t.Status}, {t.DaysOverdue} days overdue" : t.Status.ToString(),
            }));
        html.Append("</section>\n");
    }

    private static void Indicators(StringBuilder html, IReadOnlyList<IndicatorLine> indicators)
    {
        html.Append("<section>\n<h2>Indicators against targets</h2>\n");
        Table(html, ["Task", "Indicator", "Owner", "Baseline", "Target", "Value", "Progress", "Target met"], [0, 1, 2],
            indicators.Select(i => new[]
            {
                $"{i.TaskId} {i.Title}", $"{i.Indicator.Name} ({i.Indicator.Unit})", i.OwnerName,
                Number(i.Indicator.Baseline), Number(i.Indicator.Target), Number(i.Indicator.Value),
                i.Indicator.ProgressPercent is { } p ? $"{Number(p)} %" : "–", i.Indicator.Met ? "yes" : "no",
            }));
        html.Append("</section>\n");
    }

    private static void Overdue(StringBuilder html, IReadOnlyList<ReportTask> overdue)
    {
        html.Append("<section>\n<h2>Overdue tasks</h2>\n");
        Table(html, ["Task", "Area", "Owner", "Due", "Status", "Days overdue"], [0, 1, 2, 3, 4],
            overdue.Select(o => new[]
            {
                $"{o.TaskId} {o.Title}", o.Area.ToString(), o.OwnerName, o.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                o.Status.ToString(), o.DaysOverdue.ToString(CultureInfo.InvariantCulture),
            }));
        html.Append("</section>\n");
    }

    private static void Meetings(StringBuilder html, IReadOnlyList<Meeting> meetings)
    {
        html.Append("<section>\n<h2>Meetings in the period</h2>\n");
        Table(html, ["Date", "Meeting", "Decisions (tasks)"], [0, 1, 2],
            meetings.Select(m => new[] { m.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), m.Title, string.Join(", ", m.TaskIds) }));
        html.Append("</section>\n");
    }

    private static void Statistics(StringBuilder html, MonitoringReport report)
    {
        var s = report.Statistics;
        html.Append("<section>\n<h2>").Append(E($"Case statistics of {s.Country}")).Append("</h2>\n")
            .Append("<p>").Append(E("Persons and cases are counted separately: one person flagged twice is one person and two cases. " +
                "Persons, cases and the breakdowns cover the cases flagged in the period; the funnel counts cases with each step inside the period."))
            .Append("</p>\n");
        Table(html, ["Persons", "Minors", "Women and girls", "Men and boys", "With more than one case"], [],
            [Row(s.Persons.Total, s.Persons.Minors, s.Persons.Female, s.Persons.Male, s.Persons.WithMoreThanOneCase)]);
        Table(html, ["Cases", "Open at period end", "Closed", "Withdrawn", "Reopened in period"], [],
            [Row(s.Cases.Total, s.Cases.Open, s.Cases.Closed, s.Cases.Withdrawn, s.Cases.Reopened)]);
        Table(html, ["Flagged", "Referred", "Returned", "Received", "Sheltered", "Reintegration started"], [],
            [Row(s.Funnel.Flagged, s.Funnel.Referred, s.Funnel.Returned, s.Funnel.Received, s.Funnel.Sheltered, s.Funnel.Reintegrated)]);
        html.Append("<p>").Append(E($"Median days from flag to arrival home: {(s.MedianDaysFlaggedToArrived is { } m ? Number((decimal)m) : s.Suppressed.Contains(MedianPath) ? "too few arrivals to publish" : "no arrivals in the period")}."))
            .Append("</p>\n");
        Table(html, ["Closure reason", "Cases closed in the period"], [0], s.ClosuresByReason.Select(e => Row(ClosureReasonName(e.Key), e.Value)));
        Table(html, ["Follow-ups due", "Done", "Overdue"], [], [Row(s.FollowUps.Due, s.FollowUps.Done, s.FollowUps.Overdue)]);
        Table(html, ["Follow-up outcome", "Follow-ups done in the period"], [0], s.FollowUps.ByOutcome.Select(e => Row(FollowUpOutcomeName(e.Key), e.Value)));
        Table(html, ["Exploitation type", "Cases"], [0], s.ByExploitationType.Select(e => Row(e.Key, e.Value)));
        Table(html, ["Country where found", "Cases"], [0], s.ByDestinationCountry.Select(e => Row(e.Key, e.Value)));
        if (s.Suppressed.Count > 0)
        {
            html.Append("<p>").Append(E($"{SuppressedMark}: too few to publish without risk of identifying someone, or enough to work such a count out."))
                .Append("</p>\n");
        }

        html.Append("</section>\n");
    }

    /// <summary>A table; columns not listed in <paramref name="textColumns"/> are numbers, right-aligned.</summary>
    private static void Table(StringBuilder html, string[] headers, int[] textColumns, IEnumerable<string[]> rows, bool totalLast = false)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            html.Append("<p class=\"none\">None.</p>\n");
            return;
        }

        string Cell(int column) => textColumns.Contains(column) ? string.Empty : " class=\"n\"";
        html.Append("<table>\n<thead><tr>");
        for (var c = 0; c < headers.Length; c++)
        {
            html.Append("<th").Append(Cell(c)).Append('>').Append(E(headers[c])).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        for (var r = 0; r < list.Count; r++)
        {
            html.Append(totalLast && r == list.Count - 1 ? "<tr class=\"total\">" : "<tr>");
            for (var c = 0; c < list[r].Length; c++)
            {
                html.Append("<td").Append(Cell(c)).Append('>').Append(E(list[r][c])).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    /// <summary>A null count was suppressed as too small to publish (see the note under the statistics).</summary>
    private static string[] Row(params object?[] cells) =>
        cells.Select(c => c switch
        {
            null => SuppressedMark,
            int i => i.ToString(CultureInfo.InvariantCulture),
            _ => c.ToString() ?? string.Empty,
        }).ToArray();

    private static string ClosureReasonName(string reason) => reason switch
    {
        nameof(ClosureReason.ServicesDeclined) => "Services declined",
        nameof(ClosureReason.LostContact) => "Lost contact",
        nameof(ClosureReason.TransferredToOtherProgramme) => "Transferred to another programme",
        CaseStatistics.ClosureNotRecorded => "Not recorded (closed before reasons were kept)",
        _ => reason,
    };

    private static string FollowUpOutcomeName(string outcome) => outcome switch
    {
        nameof(FollowUpOutcome.AtRisk) => "At risk",
        nameof(FollowUpOutcome.LostContact) => "Lost contact",
        nameof(FollowUpOutcome.ReTrafficked) => "Re-trafficked",
        _ => outcome,
    };

    private const string SuppressedMark = "—";
    private const string MedianPath = "medianDaysFlaggedToArrived";

    private static string E(string text) => Encoder.Encode(text);

    private static string Number(decimal? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "–";

    private static string Day(DateTimeOffset at) =>
        at.UtcDateTime.TimeOfDay == TimeSpan.Zero
            ? at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : Instant(at);

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
