using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Committees;
using Coordination.Contracts.Statistics;
using Coordination.Web.Texts;

namespace Coordination.Web.Committees;

/// <summary>
/// The monitoring report as one printable HTML page: plain server-rendered markup, print CSS, and
/// every piece of text HTML-encoded (titles and names come from users); headings, labels and enum
/// names in the reader's language (<see cref="ServerTexts"/>).
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

    public static string Render(MonitoringReport report, ServerTexts texts)
    {
        var html = new StringBuilder();
        var period = $"{Day(report.Period.From)} – {Day(report.Period.To)}";
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(texts.Language).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>").Append(E(texts.Format("report.title", ("committee", report.CommitteeName), ("period", period)))).Append("</title>\n")
            .Append("<style>").Append(Style).Append("</style>\n</head>\n<body>\n");

        html.Append("<header>\n<h1>").Append(E(texts.Format("report.heading", ("committee", report.CommitteeName)))).Append("</h1>\n")
            .Append("<p class=\"meta\">").Append(E(texts.Format("report.meta", ("country", report.Country), ("period", period),
                ("asOf", Instant(report.AsOf)), ("generated", Instant(report.GeneratedAt)))))
            .Append("</p>\n</header>\n");

        Tasks(html, report.Tasks, texts);
        Implementation(html, report.Implementation, texts);
        Indicators(html, report.Indicators, texts);
        Overdue(html, report.Overdue, texts);
        Meetings(html, report.Meetings, texts);
        Statistics(html, report, texts);

        html.Append("<footer>").Append(E(texts["report.footer"])).Append("</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Tasks(StringBuilder html, TaskSummary tasks, ServerTexts x)
    {
        html.Append("<section>\n<h2>").Append(E(x["report.tasks"])).Append("</h2>\n");
        Table(html, x, [x["report.col.area"], x["report.col.total"], x.Name(ActionPlanTaskStatus.NotStarted), x.Name(ActionPlanTaskStatus.InProgress),
                x.Name(ActionPlanTaskStatus.Done), x.Name(ActionPlanTaskStatus.Blocked), x["report.col.overdue"]], [0],
            tasks.ByArea.Select(a => Row(x.Name(a.Area), a.Total, a.NotStarted, a.InProgress, a.Done, a.Blocked, a.Overdue))
                .Append(Row(x["report.allAreas"], tasks.Total, tasks.NotStarted, tasks.InProgress, tasks.Done, tasks.Blocked, tasks.Overdue)),
            totalLast: true);
        html.Append("<p>").Append(E(x.Format("report.tasks.completed", ("count", Count(tasks.CompletedInPeriod))))).Append("</p>\n</section>\n");
    }

    private static void Implementation(StringBuilder html, IReadOnlyList<ReportTask> tasks, ServerTexts x)
    {
        html.Append("<section>\n<h2>").Append(E(x["report.implementation"])).Append("</h2>\n");
        Table(html, x, [x["report.col.area"], x["report.col.task"], x["report.col.owner"], x["report.col.due"], x["report.col.status"]], [0, 1, 2, 3, 4],
            tasks.Select(t => new[]
            {
                x.Name(t.Area), $"{t.TaskId} {t.Title}", t.OwnerName, t.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                t.DaysOverdue > 0 ? x.Format("report.statusOverdue", ("status", x.Name(t.Status)), ("days", Count(t.DaysOverdue))) : x.Name(t.Status),
            }));
        html.Append("</section>\n");
    }

    private static void Indicators(StringBuilder html, IReadOnlyList<IndicatorLine> indicators, ServerTexts x)
    {
        html.Append("<section>\n<h2>").Append(E(x["report.indicators"])).Append("</h2>\n");
        Table(html, x, [x["report.col.task"], x["report.col.indicator"], x["report.col.owner"], x["report.col.baseline"], x["report.col.target"],
                x["report.col.value"], x["report.col.progress"], x["report.col.met"]], [0, 1, 2],
            indicators.Select(i => new[]
            {
                $"{i.TaskId} {i.Title}", $"{i.Indicator.Name} ({i.Indicator.Unit})", i.OwnerName,
                Number(i.Indicator.Baseline), Number(i.Indicator.Target), Number(i.Indicator.Value),
                i.Indicator.ProgressPercent is { } p ? $"{Number(p)} %" : "–", i.Indicator.Met ? x["report.yes"] : x["report.no"],
            }));
        html.Append("</section>\n");
    }

    private static void Overdue(StringBuilder html, IReadOnlyList<ReportTask> overdue, ServerTexts x)
    {
        html.Append("<section>\n<h2>").Append(E(x["report.overdue"])).Append("</h2>\n");
        Table(html, x, [x["report.col.task"], x["report.col.area"], x["report.col.owner"], x["report.col.due"], x["report.col.status"], x["report.col.daysOverdue"]],
            [0, 1, 2, 3, 4],
            overdue.Select(o => new[]
            {
                $"{o.TaskId} {o.Title}", x.Name(o.Area), o.OwnerName, o.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                x.Name(o.Status), Count(o.DaysOverdue),
            }));
        html.Append("</section>\n");
    }

    private static void Meetings(StringBuilder html, IReadOnlyList<Meeting> meetings, ServerTexts x)
    {
        html.Append("<section>\n<h2>").Append(E(x["report.meetings"])).Append("</h2>\n");
        Table(html, x, [x["report.col.date"], x["report.col.meeting"], x["report.col.decisions"]], [0, 1, 2],
            meetings.Select(m => new[] { m.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), m.Title, string.Join(", ", m.TaskIds) }));
        html.Append("</section>\n");
    }

    private static void Statistics(StringBuilder html, MonitoringReport report, ServerTexts x)
    {
        var s = report.Statistics;
        html.Append("<section>\n<h2>").Append(E(x.Format("report.stats", ("country", s.Country)))).Append("</h2>\n")
            .Append("<p>").Append(E(x["report.stats.note"])).Append("</p>\n");
        Table(html, x, [x["report.stats.persons"], x["report.stats.minors"], x["report.stats.female"], x["report.stats.male"], x["report.stats.moreThanOneCase"]], [],
            [Row(s.Persons.Total, s.Persons.Minors, s.Persons.Female, s.Persons.Male, s.Persons.WithMoreThanOneCase)]);
        Table(html, x, [x["report.stats.cases"], x["report.stats.open"], x["report.stats.closed"], x["report.stats.withdrawn"], x["report.stats.reopened"]], [],
            [Row(s.Cases.Total, s.Cases.Open, s.Cases.Closed, s.Cases.Withdrawn, s.Cases.Reopened)]);
        Table(html, x, [x["report.funnel.flagged"], x["report.funnel.referred"], x["report.funnel.returned"], x["report.funnel.received"],
                x["report.funnel.sheltered"], x["report.funnel.reintegrated"]], [],
            [Row(s.Funnel.Flagged, s.Funnel.Referred, s.Funnel.Returned, s.Funnel.Received, s.Funnel.Sheltered, s.Funnel.Reintegrated)]);
        var median = s.MedianDaysFlaggedToArrived is { } m ? Number((decimal)m)
            : s.Suppressed.Contains(MedianPath) ? x["report.stats.medianSuppressed"] : x["report.stats.medianNone"];
        html.Append("<p>").Append(E(x.Format("report.stats.median", ("value", median)))).Append("</p>\n");
        Table(html, x, [x["report.stats.closureReason"], x["report.stats.closedInPeriod"]], [0],
            s.ClosuresByReason.Select(e => Row(x.Name(nameof(ClosureReason), e.Key), e.Value)));
        Table(html, x, [x["report.stats.followUpsDue"], x["report.stats.followUpsDone"], x["report.stats.followUpsOverdue"]], [],
            [Row(s.FollowUps.Due, s.FollowUps.Done, s.FollowUps.Overdue)]);
        Table(html, x, [x["report.stats.followUpOutcome"], x["report.stats.followUpsDoneInPeriod"]], [0],
            s.FollowUps.ByOutcome.Select(e => Row(x.Name(nameof(FollowUpOutcome), e.Key), e.Value)));
        Table(html, x, [x["report.stats.exploitationType"], x["report.stats.cases"]], [0],
            s.ByExploitationType.Select(e => Row(x.Name(nameof(ExploitationType), e.Key), e.Value)));
        Table(html, x, [x["report.stats.countryFound"], x["report.stats.cases"]], [0], s.ByDestinationCountry.Select(e => Row(e.Key, e.Value)));
        if (s.Suppressed.Count > 0)
        {
            html.Append("<p>").Append(E(x.Format("report.stats.suppressed", ("mark", SuppressedMark)))).Append("</p>\n");
        }

        html.Append("</section>\n");
    }

    /// <summary>A table; columns not listed in <paramref name="textColumns"/> are numbers, right-aligned.</summary>
    private static void Table(StringBuilder html, ServerTexts x, string[] headers, int[] textColumns, IEnumerable<string[]> rows, bool totalLast = false)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            html.Append("<p class=\"none\">").Append(E(x["report.none"])).Append("</p>\n");
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

    private const string SuppressedMark = "—";
    private const string MedianPath = "medianDaysFlaggedToArrived";

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string E(string text) => Encoder.Encode(text);

    private static string Number(decimal? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "–";

    private static string Day(DateTimeOffset at) =>
        at.UtcDateTime.TimeOfDay == TimeSpan.Zero
            ? at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : Instant(at);

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
