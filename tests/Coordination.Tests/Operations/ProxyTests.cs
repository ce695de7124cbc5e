using System.Net;
using System.Net.Http.Json;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Operations;

/// <summary>
/// A web host behind a proxy of a known network (an ingress controller, the compose network) sees
/// each client's own address: every client gets its own sign-in budget instead of sharing the
/// proxy's.
/// </summary>
public sealed class ProxyTests
{
    [Fact]
    public async Task Behind_a_proxy_of_a_known_network_each_client_address_has_its_own_sign_in_budget()
    {
        await using var system = await CoordinationProcesses.CreateAsync("proxy", new Dictionary<string, string>
        {
            ["Coordination__Web__Security__KnownNetworks__0"] = "127.0.0.0/8",
            ["Coordination__Auth__SignInPermitLimit"] = "2",
            ["Coordination__Auth__SignInWindow"] = "00:10:00",
        });
        await system.StartSiloAsync();
        var web = await system.StartWebAsync();
        using var http = new HttpClient { BaseAddress = web.BaseAddress };

        async Task<HttpStatusCode> SignInFromAsync(string client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token")
            {
                Content = JsonContent.Create(new { username = $"nobody-{Guid.NewGuid():N}", password = "wrong-password-123" }),
            };
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await SignInFromAsync("203.0.113.7"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInFromAsync("203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInFromAsync("203.0.113.7"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInFromAsync("198.51.100.23"));
    }
}
