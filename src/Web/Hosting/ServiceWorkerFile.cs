using Microsoft.AspNetCore.Builder;

namespace Coordination.Web.Hosting;

/// <summary>
/// The dashboard's service worker, <c>/sw.js</c> (browser notifications): served from the root, so its
/// scope is the whole dashboard, as JavaScript like every static script, and revalidated on every
/// load so that a new version replaces the old at once. The Content-Security-Policy allows it
/// (<c>worker-src 'self'</c>).
/// </summary>
public static class ServiceWorkerFile
{
    public const string Path = "/sw.js";

    public static StaticFileOptions StaticFiles { get; } = new()
    {
        OnPrepareResponse = file =>
        {
            if (file.Context.Request.Path == Path)
            {
                file.Context.Response.Headers.CacheControl = "no-cache";
                file.Context.Response.Headers["Service-Worker-Allowed"] = "/";
            }
        },
    };
}
