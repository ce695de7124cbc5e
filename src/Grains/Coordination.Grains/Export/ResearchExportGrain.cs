using System.Text.Json;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Export;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Export;

/// <summary>
/// The anonymised export for research and donors, in the spirit of the Counter Trafficking Data
/// Collaborative: one row per case flagged in [from, to), no names, passports, phones or case ids.
/// </summary>
[StatelessWorker]
public sealed class ResearchExportGrain(NpgsqlDataSource db) : Grain, IResearchExportGrain
{
    public async Task<ResearchExport> Export(string? country, DateTimeOffset from, DateTimeOffset to, int k)
    {
        await using var command = db.CreateCommand(
            "SELECT state FROM cases WHERE created_at >= @from AND created_at < @to AND (@country::text IS NULL OR citizenship = @country) ORDER BY created_at");
        command.Parameters.AddWithValue("from", from.UtcDateTime);
        command.Parameters.AddWithValue("to", to.UtcDateTime);
        command.Parameters.AddWithValue("country", NpgsqlDbType.Text, (object?)country ?? DBNull.Value);

        var records = new List<ResearchRecord>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var c = JsonSerializer.Deserialize<CaseView>(reader.GetString(0), CoordinationJson.Options)!;
                records.Add(ToRecord(c));
            }
        }

        var (released, suppressed) = KAnonymity.Apply(records, k);
        return new ResearchExport(released, k, suppressed);
    }

    private static ResearchRecord ToRecord(CaseView c)
    {
        var age = c.Person is { } p ? c.FlaggedAt.Year - p.BirthYear : (int?)null;
        return new ResearchRecord(
            c.FlaggedAt.Year,
            c.Citizenship,
            c.Person?.Sex.ToString() ?? KAnonymity.Generalised,
            age is { } a ? KAnonymity.AgeBand(a) : c.Minor ? "0-17" : KAnonymity.Generalised,
            c.CurrentCountry,
            c.ExploitationType.ToString(),
            c.HomeRegion,
            Outcome(c.Status));
    }

    private static string Outcome(CaseStatus status) => status switch
    {
        CaseStatus.Closed => "Closed",
        CaseStatus.Withdrawn => "Withdrawn",
        CaseStatus.Flagged or CaseStatus.Verified or CaseStatus.DocumentsIssued or CaseStatus.TravelBooked or CaseStatus.InTransit => "NotYetReturned",
        _ => "Returned",
    };
}
