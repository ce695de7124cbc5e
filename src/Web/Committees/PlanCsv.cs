using System.Globalization;
using System.Text;
using Coordination.Contracts.Committees;
using Coordination.Web.Errors;

namespace Coordination.Web.Committees;

/// <summary>
/// Action plans as CSV (RFC 4180): a header row naming the columns in any order, one task a row.
/// Rows are numbered as a spreadsheet numbers them — the header is row 1 — so a secretary finds
/// "row 3" where her spreadsheet shows it. A file written with semicolons (a spreadsheet in a
/// Russian locale) is read too, decimal commas included. What the export writes, the import reads.
/// </summary>
public static class PlanCsv
{
    public const string ContentType = "text/csv";

    private static readonly string[] Required = ["title", "area", "ownerAgencyId", "dueDate", "indicatorName", "unit", "baseline", "target"];
    private static readonly string[] Optional = ["status", "indicatorValue"];

    /// <summary>Columns the export adds for reading; an import ignores them.</summary>
    private static readonly string[] ReadOnly = ["id", "overdue"];

    private static readonly string[] ExportColumns =
        ["id", "title", "area", "ownerAgencyId", "dueDate", "status", "indicatorName", "unit", "baseline", "target", "indicatorValue", "overdue"];

    /// <summary>Spreadsheets run cells starting with these as formulas; such text is written behind an apostrophe.</summary>
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>
    /// Reads a plan. Returns the tasks only when every row is valid; otherwise the errors, keyed
    /// <c>header</c> or <c>row N</c>, each message naming the column.
    /// </summary>
    public static IReadOnlyList<NewActionPlanTask>? Read(string text, int maxRows, IReadOnlySet<string> agencies, RequestErrors errors)
    {
        var separator = DetectSeparator(text);
        var records = Records(text, separator, errors);
        if (errors.Any)
        {
            return null;
        }

        var header = records.FirstOrDefault();
        if (header.Fields is null)
        {
            errors.Add("header", $"The file is empty; the first row names the columns: {string.Join(", ", Required)}.");
            return null;
        }

        var columns = Columns(header.Fields, errors);
        var rows = records.Skip(1).Where(r => !(r.Fields.Count == 1 && string.IsNullOrWhiteSpace(r.Fields[0]))).ToList();
        if (rows.Count == 0)
        {
            errors.Add("header", "The file has no tasks below its header row.");
        }
        else if (rows.Count > maxRows)
        {
            errors.Add("header", $"At most {maxRows} tasks per import; the file has {rows.Count}.");
        }

        if (errors.Any)
        {
            return null;
        }

        var tasks = new List<NewActionPlanTask>();
        foreach (var (row, fields) in rows)
        {
            var (task, messages) = ReadRow(fields, header.Fields.Count, columns, separator, agencies);
            foreach (var message in messages)
            {
                errors.Add($"row {row}", message);
            }

            if (task is not null)
            {
                tasks.Add(task);
            }
        }

        return errors.Any ? null : tasks;
    }

    public static string Write(ActionPlan plan)
    {
        var csv = new StringBuilder();
        WriteRow(csv, ExportColumns);
        foreach (var t in plan.Tasks)
        {
            WriteRow(csv,
            [
                t.Id, Cell(t.Title), t.Area.ToString(), t.OwnerAgencyId, Date(t.DueDate), t.Status.ToString(),
                Cell(t.Indicator?.Name), Cell(t.Indicator?.Unit), Number(t.Indicator?.Baseline), Number(t.Indicator?.Target),
                Number(t.Indicator?.Value), t.Overdue ? "true" : "false",
            ]);
        }

        return csv.ToString();
    }

    /// <summary>Error keys of task validation that are CSV columns under another name.</summary>
    private static readonly Dictionary<string, string> ColumnOf = new(StringComparer.Ordinal)
    {
        ["indicator.name"] = "indicatorName",
        ["indicator.unit"] = "unit",
        ["indicator.baseline"] = "baseline",
        ["indicator.target"] = "target",
    };

    /// <summary>One row: the task, or the messages ("column: what is wrong") that keep it out; the first error of a column wins.</summary>
    private static (NewActionPlanTask? Task, IReadOnlyList<string> Messages) ReadRow(
        List<string> fields, int width, IReadOnlyDictionary<string, int> columns, char separator, IReadOnlySet<string> agencies)
    {
        if (fields.Count != width)
        {
            return (null, [$"Expected {width} fields as in the header row, found {fields.Count}."]);
        }

        string? Get(string column) =>
            columns.TryGetValue(column, out var i) && Uncell(fields[i].Trim()) is { Length: > 0 } value ? value : null;

        var parsing = new RequestErrors();
        var area = parsing.Enumerated<ActionPlanArea>("area", Get("area"), required: false);
        var status = parsing.Enumerated<ActionPlanTaskStatus>("status", Get("status"), required: false);
        var due = Get("dueDate") is { } dueText ? ParseDate(parsing, "dueDate", dueText) : null;
        var baseline = Decimal(parsing, "baseline", Get("baseline"), separator);
        var target = Decimal(parsing, "target", Get("target"), separator);
        var value = Decimal(parsing, "indicatorValue", Get("indicatorValue"), separator);
        var hasIndicator = new[] { "indicatorName", "unit", "baseline", "target" }.Any(c => Get(c) is not null);

        var validation = new RequestErrors();
        var task = new TaskRequest(Get("title"), area, Get("ownerAgencyId"), due,
                hasIndicator ? new IndicatorRequest(Get("indicatorName"), Get("unit"), baseline, target) : null)
            .ToTask(validation, agencies, status: status ?? ActionPlanTaskStatus.NotStarted, indicatorValue: value);

        var errors = parsing.ToDictionary();
        foreach (var (key, messages) in validation.ToDictionary())
        {
            errors.TryAdd(ColumnOf.GetValueOrDefault(key, key), messages);
        }

        var order = Required.Concat(Optional).ToList();
        var listed = errors.OrderBy(e => order.IndexOf(e.Key)).SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")).ToList();
        return listed.Count == 0 ? (task, []) : (null, listed);
    }

    private static Dictionary<string, int> Columns(List<string> header, RequestErrors errors)
    {
        var known = Required.Concat(Optional).Concat(ReadOnly).ToDictionary(c => c, StringComparer.OrdinalIgnoreCase);
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim();
            if (!known.TryGetValue(name, out var canonical))
            {
                errors.Add("header", $"Unknown column '{name}'; the columns are {string.Join(", ", Required.Concat(Optional))}.");
            }
            else if (!columns.TryAdd(canonical, i))
            {
                errors.Add("header", $"Column '{canonical}' appears twice.");
            }
        }

        foreach (var missing in Required.Where(c => !columns.ContainsKey(c)))
        {
            errors.Add("header", $"Missing column '{missing}'.");
        }

        return columns;
    }

    private static DateOnly? ParseDate(RequestErrors errors, string column, string text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(column, $"'{text}' is not a date in the form yyyy-MM-dd.");
        return null;
    }

    private static decimal? Decimal(RequestErrors errors, string column, string? text, char separator)
    {
        if (text is null)
        {
            return null;
        }

        var invariant = separator == ';' ? text.Replace(',', '.') : text;
        if (decimal.TryParse(invariant, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add(column, $"'{text}' is not a number.");
        return null;
    }

    private static char DetectSeparator(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        var first = end < 0 ? text : text[..end];
        return first.Contains(';') && !first.Contains(',') ? ';' : ',';
    }

    /// <summary>Splits RFC 4180 text into records, numbered from 1; a quoted field may hold separators, quotes ("") and line breaks.</summary>
    private static List<(int Row, List<string> Fields)> Records(string text, char separator, RequestErrors errors)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var wasQuoted = false;
        var row = 1;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;

        void EndField()
        {
            fields.Add(field.ToString());
            field.Clear();
            wasQuoted = false;
        }

        void EndRecord()
        {
            EndField();
            records.Add((row++, fields));
            fields = [];
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && field.Length == 0 && !wasQuoted)
            {
                quoted = wasQuoted = true;
            }
            else if (c == separator)
            {
                EndField();
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                EndRecord();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            errors.Add($"row {row}", "A quoted field is not closed.");
        }
        else if (field.Length > 0 || fields.Count > 0 || wasQuoted)
        {
            EndRecord();
        }

        return records;
    }

    private static void WriteRow(StringBuilder csv, IEnumerable<string> fields)
    {
        csv.AppendJoin(',', fields.Select(f =>
            f.IndexOfAny([',', ';', '"', '\r', '\n']) >= 0 || f != f.Trim() ? $"\"{f.Replace("\"", "\"\"")}\"" : f));
        csv.Append("\r\n");
    }

    private static string Cell(string? text) =>
        text is { Length: > 0 } && FormulaStarts.Contains(text[0]) ? "'" + text : text ?? string.Empty;

    private static string Uncell(string text) =>
        text.Length > 1 && text[0] == '\'' && FormulaStarts.Contains(text[1]) ? text[1..] : text;

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
}
