using System.Text.Json;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;

namespace Coordination.Tests.Agencies;

/// <summary>The agencies table holds each agency as JSON written by whatever version stored it.</summary>
public sealed class StoredAgencyTests
{
    [Fact]
    public void An_agency_stored_before_deactivation_existed_reads_as_active_and_the_wire_shows_active()
    {
        const string stored = """
            {"id":"kg-naryn","name":"Naryn shelter","kind":"Shelter","country":"KG","hostCountry":null,"city":"Naryn",
             "timeZone":"Asia/Bishkek","servesRegions":["Naryn"],"airports":["FRU"],"services":["Shelter"]}
            """;

        var agency = JsonSerializer.Deserialize<Agency>(stored, CoordinationJson.Options)!;

        Assert.True(agency.Active);
        Assert.True(JsonDocument.Parse(JsonSerializer.Serialize(agency, CoordinationJson.Options)).RootElement.GetProperty("active").GetBoolean());
        var closed = agency with { DeactivatedAt = DateTimeOffset.UnixEpoch };
        var roundTripped = JsonSerializer.Deserialize<Agency>(JsonSerializer.Serialize(closed, CoordinationJson.Options), CoordinationJson.Options)!;
        Assert.False(roundTripped.Active);
    }
}
