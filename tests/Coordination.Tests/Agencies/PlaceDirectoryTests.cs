using System.Net;
using System.Text.Json.Nodes;
using Coordination.Tests.Infrastructure;
using Coordination.Tests.Security;

namespace Coordination.Tests.Agencies;

/// <summary>
/// The administrator registers border crossings and stations in the places directory through the
/// API, against the real processes; every signed-in user reads it; bad input and a taken code change nothing.
/// </summary>
[Collection("security")]
public sealed class PlaceDirectoryTests(SecurityFixture fixture)
{
    private SecurityWorld World => fixture.World;

    [Fact]
    public async Task An_administrator_registers_a_border_crossing_every_user_reads_it_and_the_registration_is_on_record()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var code = World.Field.PlaceCode("KORDAY");
        var created = (await World.Admin.PostAsync("/api/places", new
        {
            code, name = "Korday – Ak-Zhol border crossing", kind = "BorderCrossing", country = "KZ", timeZone = "Asia/Almaty",
        })).Expect(HttpStatusCode.Created);
        Assert.Equal($"/api/places/{code}", created.Location?.OriginalString);
        Assert.Equal("BorderCrossing", created.Json!["kind"]!.GetValue<string>());

        // Any signed-in user reads the directory: the consul books journeys from it.
        var listed = (await World.Consul.GetAsync("/api/places")).Expect(HttpStatusCode.OK).Json!.AsArray()
            .Single(p => p!["code"]!.GetValue<string>() == code)!;
        Assert.Equal("Korday – Ak-Zhol border crossing", listed["name"]!.GetValue<string>());
        Assert.Equal("KZ", listed["country"]!.GetValue<string>());
        Assert.Equal("Asia/Almaty", listed["timeZone"]!.GetValue<string>());

        var entry = Assert.Single((await World.Admin.GetAsync($"/api/audit?from={Uri.EscapeDataString(started.ToString("O"))}&limit=1000"))
            .Expect(HttpStatusCode.OK).Json!.AsArray(), e => e!["detail"]?.GetValue<string>() == code)!;
        Assert.Equal("place.create", entry["action"]!.GetValue<string>());
        Assert.Equal("admin", entry["username"]!.GetValue<string>());

        // The same code again, even for another place: 409, and nothing changes.
        await fixture.RefusedWithoutChangeAsync(
            () => World.Admin.PostAsync("/api/places", new { code, name = "Another", kind = "RailStation", country = "KG", timeZone = "Asia/Bishkek" }),
            HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field_and_changes_nothing()
    {
        var valid = new JsonObject
        {
            ["code"] = World.Field.PlaceCode("ALMATY2"), ["name"] = "Almaty-2", ["kind"] = "RailStation", ["country"] = "KZ", ["timeZone"] = "Asia/Almaty",
        };
        foreach (var (field, value) in new (string, JsonNode?)[]
                 {
                     ("code", "almaty-2"), ("code", "AB"), ("code", "ALMATY 2"), ("code", new string('A', 33)), ("code", null),
                     ("name", ""), ("name", new string('n', 201)),
                     ("kind", "Harbour"), ("kind", null),
                     ("country", "XX"), ("country", "kz"),
                     ("timeZone", "Mars/Olympus"), ("timeZone", "../../etc/passwd"), ("timeZone", null),
                 })
        {
            var body = valid.DeepClone().AsObject();
            body[field] = value;
            var refused = await fixture.RefusedWithoutChangeAsync(() => World.Admin.PostAsync("/api/places", body), HttpStatusCode.BadRequest);
            Assert.True(refused.Json!["errors"]?.AsObject().ContainsKey(field) ?? refused.Body.Contains(field, StringComparison.Ordinal), $"{field}={value}: {refused.Body}");
        }
    }
}
