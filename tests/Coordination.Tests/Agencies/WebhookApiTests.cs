using System.Net;
using Coordination.Tests.Infrastructure;
using Coordination.Tests.Security;

namespace Coordination.Tests.Agencies;

/// <summary>
/// A coordinator sets the agency's webhook through the API, against the real processes: the secret
/// is never returned, bad settings are refused whole, and each change is on record.
/// </summary>
[Collection("security")]
public sealed class WebhookApiTests(SecurityFixture fixture)
{
    private const string Secret = "a-long-shared-secret-for-the-gateway";

    private SecurityWorld World => fixture.World;

    [Fact]
    public async Task The_coordinator_sets_the_webhook_its_users_see_the_address_and_nobody_sees_the_secret()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var agency = await World.Field.AgencyAsync("hook-api", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [World.Field.Region("hook-api")], [], ["Shelter"]));
        var coordinator = await World.Field.UserAsync("hook-api-coordinator", agency, "AgencyCoordinator");
        var worker = await World.Field.UserAsync("hook-api-worker", agency, "NgoCaseworker");

        var none = (await worker.GetAsync($"/api/agencies/{agency}/webhook")).Expect(HttpStatusCode.OK).Json!;
        Assert.Null(none["url"]);
        Assert.False(none["secretSet"]!.GetValue<bool>());

        var url = "https://sms-gateway.example.org/coordination";
        var saved = (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{agency}/webhook", new { url, secret = Secret })).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(Secret, saved.Body, StringComparison.Ordinal);
        foreach (var reader in new[] { worker, World.Admin })
        {
            var read = (await reader.GetAsync($"/api/agencies/{agency}/webhook")).Expect(HttpStatusCode.OK);
            Assert.Equal(url, read.Json!["url"]!.GetValue<string>());
            Assert.True(read.Json["secretSet"]!.GetValue<bool>());
            Assert.DoesNotContain(Secret, read.Body, StringComparison.Ordinal);
        }

        var removed = (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{agency}/webhook", new { url = (string?)null })).Expect(HttpStatusCode.OK).Json!;
        Assert.Null(removed["url"]);
        Assert.False(removed["secretSet"]!.GetValue<bool>());

        var audit = (await World.Admin.GetAsync($"/api/audit?from={Uri.EscapeDataString(started.ToString("O"))}&limit=1000"))
            .Expect(HttpStatusCode.OK);
        Assert.Equal(2, audit.Json!.AsArray().Count(e => e!["detail"]?.GetValue<string>() == agency && e["action"]!.GetValue<string>() == "agency.webhook"));
        Assert.DoesNotContain(Secret, audit.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_address_or_secret_is_a_400_that_stores_nothing()
    {
        var agency = await World.Field.AgencyAsync("hook-bad", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [World.Field.Region("hook-bad")], [], ["Shelter"]));
        var coordinator = await World.Field.UserAsync("hook-bad-coordinator", agency, "AgencyCoordinator");

        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { url = "not an address", secret = Secret }, "url"),
                     (new { url = "ftp://gateway.example.org/", secret = Secret }, "url"),
                     (new { url = "https://user:password@gateway.example.org/", secret = Secret }, "url"),
                     (new { url = "https://gateway.example.org/", secret = "short" }, "secret"),
                     (new { url = "https://gateway.example.org/", secret = (string?)null }, "secret"),
                     (new { url = (string?)null, secret = Secret }, "secret"),
                 })
        {
            var refused = await fixture.RefusedWithoutChangeAsync(
                () => coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{agency}/webhook", body), HttpStatusCode.BadRequest);
            Assert.True(refused.Json!["errors"]!.AsObject().ContainsKey(field), $"{field}: {refused.Body}");
        }
    }
}
