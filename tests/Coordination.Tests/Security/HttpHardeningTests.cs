using System.Net;
using System.Text;

namespace Coordination.Tests.Security;

/// <summary>What every browser-facing response carries, and who may call the API from another site.</summary>
[Collection("security")]
public sealed class HttpHardeningTests(SecurityFixture fixture)
{
    private const string Evil = "https://evil.example";

    public static TheoryData<string, string, HttpStatusCode> Responses => new()
    {
        { "GET", "/", HttpStatusCode.OK },
        { "GET", "/js/app.js", HttpStatusCode.OK },
        { "GET", "/health/live", HttpStatusCode.OK },
        { "GET", "/openapi/v1.json", HttpStatusCode.OK },
        { "GET", "/api/feed", HttpStatusCode.Unauthorized },
        { "GET", "/api/no-such-thing", HttpStatusCode.NotFound },
        { "POST", "/api/auth/token", HttpStatusCode.BadRequest },
        { "POST", "/api/auth/token#large", HttpStatusCode.RequestEntityTooLarge },
    };

    [Fact]
    public async Task Metrics_answer_only_a_scraper_on_the_same_machine_never_the_public_port_and_health_says_only_how_it_is()
    {
        using var http = new HttpClient { BaseAddress = fixture.System.WebUrl };

        // No metrics port is configured here: a scrape from this machine is answered...
        using var local = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.Contains("# TYPE ", await local.Content.ReadAsStringAsync());

        // ...the same request relayed by a reverse proxy from the public side is not.
        foreach (var (header, value) in new[] { ("X-Forwarded-For", "203.0.113.9"), ("Forwarded", "for=203.0.113.9;proto=https") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Add(header, value);
            using var relayed = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, relayed.StatusCode);
            var body = await relayed.Content.ReadAsStringAsync();
            Assert.DoesNotContain("# TYPE ", body);
            Assert.DoesNotContain(fixture.World.Post, body);
        }

        // Health says healthy or not, and nothing about what it checked.
        foreach (var path in new[] { "/health/live", "/health/ready" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Forwarded-For", "203.0.113.9");
            using var health = await http.SendAsync(request);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Every_response_carries_the_security_headers(string method, string path, HttpStatusCode expected)
    {
        using var http = new HttpClient { BaseAddress = fixture.System.WebUrl };
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Split('#')[0]);
        if (method == "POST")
        {
            var body = path.EndsWith("#large", StringComparison.Ordinal) ? $"{{\"username\":\"{new string('x', 100_000)}\"}}" : "{";
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Opener-Policy"));
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.False(response.Headers.Contains("Server"), "the server announces itself");
        if (path.StartsWith("/api", StringComparison.Ordinal))
        {
            Assert.True(response.Headers.CacheControl?.NoStore, $"{path} may be cached");
        }
    }

    [Fact]
    public async Task By_default_no_other_site_may_call_the_api_from_a_browser()
    {
        using var http = new HttpClient { BaseAddress = fixture.System.WebUrl };
        using var preflight = await http.SendAsync(Preflight(Evil));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));

        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/feed");
        get.Headers.Add("Origin", Evil);
        get.Headers.Authorization = new("Bearer", fixture.World.Consul.Token);
        using var response = await http.SendAsync(get);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_configured_origin_may_call_the_api_and_no_other()
    {
        using var http = new HttpClient { BaseAddress = fixture.StrictWeb.BaseAddress };
        using var allowed = await http.SendAsync(Preflight(SecurityFixture.AllowedOrigin));
        Assert.Equal(SecurityFixture.AllowedOrigin, Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Contains("authorization", Header(allowed, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);

        using var refused = await http.SendAsync(Preflight(Evil));
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/cases");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{name} is missing from {response.RequestMessage?.RequestUri}");
}
