using System.Net.Mail;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Coordination.Contracts.Notify;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Notify;

public sealed record ChannelsRequest(string? Email);

public sealed record VerifyCodeRequest(string? Code);

/// <summary>A user's own channels: every signed-in user manages theirs, and nobody else's.</summary>
public static partial class ChannelApi
{
    /// <summary>The longest address SMTP carries (RFC 5321's path limit less its angle brackets).</summary>
    public const int MaxEmailLength = 254;

    public static WebApplication MapChannelApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/me/channels").WithTags("Channels").RequireAuthorization();
        group.MapGet("/", (HttpContext http, IClusterClient cluster, CancellationToken cancellationToken) =>
            Own(http, cluster).Get().WaitAsync(cancellationToken));
        group.MapPut("/", SetEmail);
        group.MapPost("/email/verify", Verify);
        return app;
    }

    private static async Task<Results<Ok<MyChannels>, ValidationProblem>> SetEmail(
        ChannelsRequest request, HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var email = errors.Text("email", request.Email, MaxEmailLength, required: false);
        if (email is not null && !IsAddress(email))
        {
            errors.Add("email", "An e-mail address, e.g. duty@ngo.example.org.");
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await Own(http, cluster).SetEmail(email).WaitAsync(cancellationToken));
    }

    private static async Task<Results<Ok<MyChannels>, ValidationProblem>> Verify(
        VerifyCodeRequest request, HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var code = errors.Pattern("code", request.Code, CodePattern(), "The six digits of the e-mail.");
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (await Own(http, cluster).VerifyEmail(code!).WaitAsync(cancellationToken) is { } verified)
        {
            return TypedResults.Ok(verified);
        }

        errors.Add("code", "The code is wrong, spent or expired, or was tried too often: ask for a new one.");
        return TypedResults.ValidationProblem(errors.ToDictionary());
    }

    /// <summary>The signed-in user's own channels grain (every channel endpoint reaches only its caller's).</summary>
    internal static IChannelsGrain Own(HttpContext http, IClusterClient cluster) =>
        cluster.GetGrain<IChannelsGrain>(http.User.FindFirstValue(CoordinationClaims.Username)!);

    /// <summary>A bare address (no display name, no comments) that an SMTP server takes as it is.</summary>
    private static bool IsAddress(string text) =>
        MailAddress.TryCreate(text, out var address) && address.Address == text && address.DisplayName.Length == 0 && !text.Contains(' ');

    [GeneratedRegex(@"^[0-9]{6}\z")]
    private static partial Regex CodePattern();
}
