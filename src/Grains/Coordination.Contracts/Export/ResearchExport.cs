using Coordination.Contracts.Statistics;

namespace Coordination.Contracts.Export;

/// <summary>
/// One case as released for research and donors: no direct identifiers, birth year as an age band,
/// quasi-identifiers generalised to "*" where they would single a person out.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.ResearchRecord")]
public sealed record ResearchRecord(
    [property: Id(0)] int Year,
    [property: Id(1)] string Citizenship,
    [property: Id(2)] string Sex,
    [property: Id(3)] string AgeBand,
    [property: Id(4)] string DestinationCountry,
    [property: Id(5)] string ExploitationType,
    [property: Id(6)] string HomeRegion,
    [property: Id(7)] string Outcome);

[GenerateSerializer, Immutable, Alias("Coordination.ResearchExport")]
public sealed record ResearchExport(
    [property: Id(0)] IReadOnlyList<ResearchRecord> Records,
    [property: Id(1)] int K,
    [property: Id(2)] int Suppressed);

/// <summary>The cases of one country (the persons' citizenship) flagged in a period, released k-anonymous.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.ExportQuery")]
public sealed record ExportQuery(
    [property: Id(0)] string Country,
    [property: Id(1)] ReportingPeriod Period,
    [property: Id(2)] int K);

/// <summary>Builds the anonymised export (stateless).</summary>
[Alias("Coordination.IResearchExportGrain")]
public interface IResearchExportGrain : IGrainWithIntegerKey
{
    /// <summary>The export for <paramref name="query"/>, written to the audit log under <paramref name="requestedBy"/>.</summary>
    [Alias("ExportAudited")]
    Task<ResearchExport> Export(ExportQuery query, string requestedBy, string? agencyId);
}
