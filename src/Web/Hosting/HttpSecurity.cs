using System.Net;
using Coordination.Web.Committees;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Coordination.Web.Hosting;

/// <summary>Browser-facing hardening (section <c>Coordination:Web:Security</c>).</summary>
public sealed class HttpSecurityOptions
{
    public const string Section = "Coordination:Web:Security";

    /// <summary>
    /// The dashboard's own policy: scripts, styles and connections from this origin only (the UI
    /// has no inline script or style; the one inline style allowed, by its hash, is the printable
    /// monitoring report's, which the dashboard opens as a page of its own), nothing may frame it,
    /// no plugins, no base rewriting.
    /// </summary>
    public static readonly string DefaultContentSecurityPolicy =
        $"default-src 'self'; script-src 'self'; style-src 'self' {ReportPage.StyleSource}; img-src 'self' data:; connect-src 'self'; font-src 'self'; worker-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Origins of other sites allowed to call the API from a browser (CORS). None by default.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Redirect HTTP to HTTPS and send HSTS; for hosts that terminate TLS themselves or behind a TLS proxy.</summary>
    public bool RequireHttps { get; set; }

    /// <summary>The port HTTP requests are redirected to when <see cref="RequireHttps"/> is on.</summary>
    public int HttpsPort { get; set; } = 443;

    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// Addresses of reverse proxies whose X-Forwarded-For/-Proto are believed, so that audit
    /// entries and the sign-in rate limit see the client's address. None by default.
    /// </summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>
    /// Networks (CIDR, e.g. 10.244.0.0/16) whose proxies are believed, for proxies without a fixed
    /// address: an ingress controller's pods, a compose network. Only where nothing else on that
    /// network can reach the web host. None by default.
    /// </summary>
    public string[] KnownNetworks { get; set; } = [];

    public string ContentSecurityPolicy { get; set; } = DefaultContentSecurityPolicy;
}

public static class HttpSecurity
{
    private const string CorsPolicy = "configured-origins";

    public static WebApplicationBuilder AddHttpSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HttpSecurityOptions>()
            .Bind(builder.Configuration.GetSection(HttpSecurityOptions.Section))
            .Validate(o => o.AllowedOrigins.All(IsOrigin), "Coordination:Web:Security:AllowedOrigins must be origins such as https://dashboard.example.org.")
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)), "Coordination:Web:Security:KnownProxies must be IP addresses.")
            .Validate(o => o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)), "Coordination:Web:Security:KnownNetworks must be networks in CIDR notation such as 10.244.0.0/16.")
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(HttpSecurityOptions.Section).Get<HttpSecurityOptions>() ?? new HttpSecurityOptions();

        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        if (options.AllowedOrigins.Length > 0)
        {
            // Tokens travel in headers (and, for SignalR, the query), never in cookies; SignalR's
            // browser client still sends credentials on negotiate, so they are allowed for these origins.
            builder.Services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
                .WithOrigins(options.AllowedOrigins)
                .WithMethods("GET", "POST", "PATCH")
                .WithHeaders("Authorization", "Content-Type", "Idempotency-Key", "X-Requested-With", "X-SignalR-User-Agent")
                .AllowCredentials()));
        }

        if (options.RequireHttps)
        {
            builder.Services.AddHsts(o => o.MaxAge = options.HstsMaxAge);
            builder.Services.AddHttpsRedirection(o => o.HttpsPort = options.HttpsPort);
        }

        // Only when proxies are named: otherwise no forwarded header is believed.
        if (options.KnownProxies.Length > 0 || options.KnownNetworks.Length > 0)
        {
            builder.Services.Configure<ForwardedHeadersOptions>(o =>
            {
                o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                o.KnownProxies.Clear();
                o.KnownIPNetworks.Clear();
                foreach (var proxy in options.KnownProxies)
                {
                    o.KnownProxies.Add(IPAddress.Parse(proxy));
                }

                foreach (var network in options.KnownNetworks)
                {
                    o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            });
        }

        return builder;
    }

    /// <summary>First in the pipeline, so that every response — errors and static files included — carries the headers.</summary>
    public static WebApplication UseHttpSecurity(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<HttpSecurityOptions>>().Value;
        if (options.KnownProxies.Length > 0 || options.KnownNetworks.Length > 0)
        {
            app.UseForwardedHeaders();
        }

        if (options.RequireHttps)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.Use((http, next) =>
        {
            // Set as the response starts: an error handler that clears the response keeps them.
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                if (!headers.ContainsKey("Content-Security-Policy"))
                {
                    // An endpoint that serves a page of its own may set a stricter policy for it.
                    headers.ContentSecurityPolicy = options.ContentSecurityPolicy;
                }

                headers["Referrer-Policy"] = "no-referrer";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Cross-Origin-Resource-Policy"] = "same-origin";
                if (http.Request.Path.StartsWithSegments("/api") || http.Request.Path.StartsWithSegments("/hubs"))
                {
                    // Personal data must not linger in browser or proxy caches.
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
            return next(http);
        });

        if (options.AllowedOrigins.Length > 0)
        {
            app.UseCors(CorsPolicy);
        }

        return app;
    }

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.AbsolutePath == "/" && !value.EndsWith('/');
}
