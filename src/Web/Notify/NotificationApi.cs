using System.Text.RegularExpressions;
using Coordination.Contracts.Notify;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Feeds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Notify;

/// <summary>
/// What notifications did: the log of an item (for the users of the agency whose feed holds it),
/// and the acknowledgement links they carry (for the user each was sent to, once).
/// </summary>
public static partial class NotificationApi
{
    public static WebApplication MapNotificationApi(this WebApplication app)
    {
        app.MapGet("/api/alerts/{id:guid}/notifications", Log).RequireAuthorization().WithTags("Notifications");
        app.MapPost("/api/ack-links/{token}", UseLink).RequireAuthorization().WithTags("Notifications");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<NotificationAttempt>>, ProblemHttpResult>> Log(
        Guid id, HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (http.User.ToActor(http) is not { } actor)
        {
            return FeedApi.NoAgency();
        }

        return await cluster.GetGrain<INotificationsGrain>(0).Log(actor.AgencyId, id).WaitAsync(cancellationToken) is { } log
            ? TypedResults.Ok(log)
            : TypedResults.Problem(title: "Not found", detail: $"Your agency has no feed item {id}.", statusCode: StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// Acknowledges the item of the link, as the signed-in user it was sent to. Any other user, and
    /// a token that is no link, get the same 404, so a link tells nobody else anything.
    /// </summary>
    private static async Task<Results<Ok<AckLinkUse>, ValidationProblem, ProblemHttpResult>> UseLink(
        string token, HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        errors.Pattern("token", token, TokenPattern(), "The token of an acknowledgement link.");
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (http.User.ToActor(http) is not { } actor)
        {
            return FeedApi.NoAgency();
        }

        var use = await cluster.GetGrain<INotificationsGrain>(0).UseAckLink(token, actor.Username).WaitAsync(cancellationToken);
        return use.Outcome switch
        {
            AckLinkOutcome.Acknowledged => TypedResults.Ok(use),
            AckLinkOutcome.Spent => TypedResults.Problem(title: "Link used",
                detail: "This link was used already; acknowledge the alert on the dashboard if it is still open.", statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.Problem(title: "Not found", detail: "No such acknowledgement link for your account.", statusCode: StatusCodes.Status404NotFound),
        };
    }

    /// <summary>32 random bytes in unpadded base64url.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_-]{43}\z")]
    private static partial Regex TokenPattern();
}
