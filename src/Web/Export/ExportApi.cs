using System.Globalization;
using System.Text;
using Coordination.Contracts.Export;
using Coordination.Contracts.Statistics;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Statistics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Export;

public static class ExportApi
{
    /// <summary>The contract's k ("Consent and protection"): 11 unless asked otherwise, never below <see cref="MinimumK"/>.</summary>
    public const int DefaultK = 11;
    public const int MinimumK = 5;
    public const int MaximumK = 100;

    public static WebApplication MapExportApi(this WebApplication app)
    {
        app.MapGet("/api/statistics/export.csv", Export)
            .RequireAuthorization(p => p.RequireRole(StatisticsScope.AllowedRoles))
            .WithTags("Statistics");
        return app;
    }

    /// <summary>
    /// CSV of one country's cases flagged in [from, to): no direct identifiers, k-anonymous over its
    /// quasi-identifiers, scoped like the statistics (<see cref="StatisticsScope"/>) and audited.
    /// </summary>
    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> Export(
        HttpContext http, IClusterClient cluster, string? from, string? to, string? country, int k = DefaultK)
    {
        var request = await StatisticsScope.ReadAsync(http, cluster, country, from, to, errors =>
        {
            if (k is < MinimumK or > MaximumK)
            {
                errors.Add("k", $"Between {MinimumK} and {MaximumK}: every released class holds at least k cases.");
            }
        });
        if (request.Query is null)
        {
            return request.Invalid is not null ? request.Invalid : request.Refused!;
        }

        var export = await cluster.GetGrain<IResearchExportGrain>(0).Export(new ExportQuery(request.Query.Country, request.Query.Period, k), request.Username, request.AgencyId);
        var csv = new StringBuilder("year,citizenship,sex,ageBand,destinationCountry,exploitationType,homeRegion,outcome\n");
        foreach (var r in export.Records)
        {
            csv.AppendJoin(',', r.Year == 0 ? "*" : r.Year.ToString(CultureInfo.InvariantCulture), Cell(r.Citizenship), Cell(r.Sex), Cell(r.AgeBand),
                Cell(r.DestinationCountry), Cell(r.ExploitationType), Cell(r.HomeRegion), Cell(r.Outcome)).Append('\n');
        }

        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8",
            $"coordination-export-{request.Query.Country}-{request.Query.Period.From:yyyyMMdd}-{request.Query.Period.To:yyyyMMdd}-k{k}.csv");
    }

    /// <summary>RFC 4180 quoting, and no leading formula characters for spreadsheet users.</summary>
    private static string Cell(string value)
    {
        var safe = value.Length > 0 && "=+-@".Contains(value[0]) ? "'" + value : value;
        return safe.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{safe.Replace("\"", "\"\"")}\"" : safe;
    }
}
