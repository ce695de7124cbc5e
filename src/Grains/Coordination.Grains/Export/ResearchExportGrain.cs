using System.Globalization;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Export;
using Coordination.Grains.Audit;
using Coordination.Grains.Cases;
using Coordination.Grains.Statistics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Export;

/// <summary>
/// The anonymised export for research and donors, in the spirit of the Counter Trafficking Data
/// Collaborative: one row per case of one country flagged in [from, to) whose person consented to
/// research, no names, passports,
/// phones or case ids. Every export is written to the audit log: who, country, period, k and rows.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class ResearchExportGrain(NpgsqlDataSource db, CaseStateCodec codec, ILogger<ResearchExportGrain> logger) : Grain, IResearchExportGrain
{
    /// <summary>The quasi-identifiers a row is built from.</summary>
    private static readonly string[] ReadFields = ["sex", "birthYear", "citizenship", "currentCountry", "exploitationType", "homeRegion"];

    public async Task<ResearchExport> Export(ExportQuery query, string requestedBy, string? agencyId)
    {
        var records = (await StatisticsStore.CasesFlaggedInAsync(db, codec, query.Country, query.Period))
            .Where(c => c.Consent.Research)
            .Select(ToRecord)
            .ToList();
        var (released, suppressed) = KAnonymity.Apply(records, query.K);
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"period [{query.Period.From:O}, {query.Period.To:O}) k={query.K} rows={released.Count} suppressed={suppressed}");
        await AuditStore.AppendAsync(db, new NewAuditEntry(requestedBy, agencyId, [], $"export.research:{query.Country}", ReadFields, null, detail));
        logger.LogInformation("Research export of {Country} for {Username}: {Rows} rows at k={K}", query.Country, requestedBy, released.Count, query.K);
        return new ResearchExport(released, query.K, suppressed);
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
            // The set, in the order recorded, joined: "Sexual+Labour".
            string.Join("+", c.Exploitation ?? []),
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
