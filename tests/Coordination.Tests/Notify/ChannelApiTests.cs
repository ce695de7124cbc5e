using System.Net;
using System.Text.RegularExpressions;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Notify;

/// <summary>
/// A user enters an e-mail address and verifies it with the code a real SMTP server received,
/// against the real processes.
/// </summary>
[Collection("channels")]
public sealed partial class ChannelApiTests(ChannelFixture fixture)
{
    [Fact]
    public async Task A_user_verifies_an_address_with_the_code_it_was_sent_and_the_code_is_spent()
    {
        var (user, displayName) = await UserAsync("verifier");
        var address = $"{fixture.Field.Id("verifier")}@ngo.example.org";

        var unverified = (await user.SendAsync(HttpMethod.Put, "/api/me/channels", new { email = address })).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(address, unverified["email"]!.GetValue<string>());
        Assert.False(unverified["emailVerified"]!.GetValue<bool>());

        var message = Assert.Single(await fixture.Inbox.WaitForAsync(address));
        var text = await fixture.Inbox.PlainTextAsync(message);
        var code = Code().Match(message.Subject).Value;
        Assert.Contains(code, text, StringComparison.Ordinal);
        Assert.DoesNotContain(displayName, text, StringComparison.Ordinal);

        var wrong = code == "000000" ? "000001" : "000000";
        (await user.PostAsync("/api/me/channels/email/verify", new { code = wrong })).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.False((await user.GetAsync("/api/me/channels")).Expect(HttpStatusCode.OK).Json!["emailVerified"]!.GetValue<bool>());

        var verified = (await user.PostAsync("/api/me/channels/email/verify", new { code })).Expect(HttpStatusCode.OK).Json!;
        Assert.True(verified["emailVerified"]!.GetValue<bool>());
        (await user.PostAsync("/api/me/channels/email/verify", new { code })).ExpectProblem(HttpStatusCode.BadRequest);
        var read = (await user.GetAsync("/api/me/channels")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(address, read["email"]!.GetValue<string>());
        Assert.True(read["emailVerified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Too_many_wrong_codes_spend_the_code_and_a_new_address_needs_a_new_one()
    {
        var (user, _) = await UserAsync("guesser");
        var address = $"{fixture.Field.Id("guesser")}@ngo.example.org";
        (await user.SendAsync(HttpMethod.Put, "/api/me/channels", new { email = address })).Expect(HttpStatusCode.OK);
        var code = Code().Match(Assert.Single(await fixture.Inbox.WaitForAsync(address)).Subject).Value;
        var wrong = code == "000000" ? "000001" : "000000";

        for (var i = 0; i < 5; i++)
        {
            (await user.PostAsync("/api/me/channels/email/verify", new { code = wrong })).ExpectProblem(HttpStatusCode.BadRequest);
        }

        (await user.PostAsync("/api/me/channels/email/verify", new { code })).ExpectProblem(HttpStatusCode.BadRequest);

        (await user.SendAsync(HttpMethod.Put, "/api/me/channels", new { email = address })).Expect(HttpStatusCode.OK);
        var second = (await fixture.Inbox.WaitForAsync(address, 2))[1];
        (await user.PostAsync("/api/me/channels/email/verify", new { code = Code().Match(second.Subject).Value })).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Bad_input_is_a_400_that_sends_and_changes_nothing()
    {
        var (user, _) = await UserAsync("typo");
        foreach (var bad in new[] { "not an address", "Someone <a@b.org>", "a@", new string('a', 250) + "@b.org", "a@b.org\u0007" })
        {
            var refused = (await user.SendAsync(HttpMethod.Put, "/api/me/channels", new { email = bad })).ExpectProblem(HttpStatusCode.BadRequest);
            Assert.True(refused.Json!["errors"]!.AsObject().ContainsKey("email"), refused.Body);
        }

        foreach (var code in new[] { "12345", "1234567", "abcdef", "" })
        {
            (await user.PostAsync("/api/me/channels/email/verify", new { code })).ExpectProblem(HttpStatusCode.BadRequest);
        }

        var read = (await user.GetAsync("/api/me/channels")).Expect(HttpStatusCode.OK).Json!;
        Assert.Null(read["email"]);
        Assert.Empty(await fixture.Inbox.MessagesToAsync("a@b.org"));
    }

    [Fact]
    public async Task A_push_subscription_with_bad_keys_is_refused_naming_them_and_without_web_push_naming_the_endpoint()
    {
        var (user, _) = await UserAsync("pusher");
        var badKeys = (await user.SendAsync(HttpMethod.Put, "/api/me/channels/push",
            new { endpoint = "https://push.example.org/send/1", keys = new { p256dh = "short", auth = "" } })).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(badKeys.Json!["errors"]!["keys.p256dh"]);
        Assert.NotNull(badKeys.Json!["errors"]!["keys.auth"]);

        // These processes have no VAPID keys: nothing is stored, and the answer says why.
        var keys = new { p256dh = "B" + new string('A', 86), auth = new string('A', 22) };
        var refused = (await user.SendAsync(HttpMethod.Put, "/api/me/channels/push", new { endpoint = "https://push.example.org/send/1", keys }))
            .ExpectProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(refused.Json!["errors"]!["endpoint"]);
        var channels = (await user.GetAsync("/api/me/channels")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(0, channels["pushSubscriptions"]!.GetValue<int>());
        Assert.Null(channels["pushPublicKey"]);
        (await user.SendAsync(HttpMethod.Delete, "/api/me/channels/push", null)).ExpectProblem(HttpStatusCode.BadRequest);
    }

    private async Task<(ApiClient User, string DisplayName)> UserAsync(string name)
    {
        var field = fixture.Field;
        var agency = await field.AgencyAsync($"{name}-ngo", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [field.Region(name)], [], ["Shelter"]));
        return (await field.UserAsync(name, agency, "NgoCaseworker"), name);
    }

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex Code();
}
