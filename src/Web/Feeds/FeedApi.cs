using Coordination.Contracts.Feeds;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Feeds;

public static class FeedApi
{
    public const int MaxPage = 1000;
    public const string HubPath = "/hubs/dashboard";

    public static IServiceCollection AddFeedPush(this IServiceCollection services)
    {
        services.AddSingleton<FeedPushObserver>();
        services.AddSingleton<MissedPushes>();
        services.AddSingleton<FeedWatches>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedWatches>());
        services.AddOptions<LivePushOptions>().BindConfiguration(LivePushOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<LivePushCheck>();
        services.AddSingleton<DashboardConnections>();
        services.AddHostedService<DashboardAccessSweep>();
        return services;
    }

    public static WebApplication MapFeedApi(this WebApplication app)
    {
        app.MapGet("/api/feed", Since).RequireAuthorization().WithTags("Feed");
        app.MapPost("/api/alerts/{id:guid}/ack", Acknowledge).RequireAuthorization().WithTags("Feed");
        // A connection lives no longer than its token: the client refreshes the token and reconnects.
        // A dashboard shows an agency's feed: an account of no agency (the administrator) is refused
        // before the connection opens, not given one that closes.
        app.MapHub<DashboardHub>(HubPath, o => o.CloseOnAuthenticationExpiration = true)
            .RequireAuthorization(p => p.RequireAuthenticatedUser().RequireClaim(CoordinationClaims.Agency));
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<FeedItem>>, ValidationProblem, ProblemHttpResult>> Since(
        HttpContext http, IClusterClient cluster, long after = 0, int limit = 100)
    {
        var errors = new RequestErrors();
        if (after < 0)
        {
            errors.Add("after", "Zero or a positive seq.");
        }

        if (limit is < 1 or > MaxPage)
        {
            errors.Add("limit", $"Between 1 and {MaxPage}.");
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (http.User.ToActor(http) is not { } actor)
        {
            return NoAgency();
        }

        return TypedResults.Ok(await cluster.GetGrain<IAgencyFeedGrain>(actor.AgencyId).Since(after, limit));
    }

    private static async Task<Results<Ok<FeedItem>, ProblemHttpResult>> Acknowledge(
        Guid id, HttpContext http, IClusterClient cluster)
    {
        if (http.User.ToActor(http) is not { } actor)
        {
            return NoAgency();
        }

        var item = await cluster.GetGrain<IAgencyFeedGrain>(actor.AgencyId).Acknowledge(id, actor.Username);
        return item is null
            ? TypedResults.Problem(title: "Not found", detail: $"Your agency has no feed item {id}.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(item);
    }

    internal static ProblemHttpResult NoAgency() =>
        TypedResults.Problem(title: "No agency", detail: "Your account belongs to no agency, so it has no feed or cases.", statusCode: StatusCodes.Status403Forbidden);
}
