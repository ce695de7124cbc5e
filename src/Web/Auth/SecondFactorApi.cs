using System.Security.Claims;
using Coordination.Contracts.Accounts;
using Coordination.Web.Audit;
using Coordination.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Coordination.Web.Auth;

public sealed record OtpRequest(string? Code);

public sealed record RecoveryCodesView(IReadOnlyList<string> RecoveryCodes);

/// <summary>The web host's way to second factors: through <see cref="ISecondFactorGrain"/>, where the secrets stay.</summary>
public sealed class SecondFactors(IClusterClient cluster)
{
    private ISecondFactorGrain Of(string username) => cluster.GetGrain<ISecondFactorGrain>(username);

    public Task<SecondFactorStatus> StatusAsync(string username, CancellationToken cancellationToken) =>
        Of(username).Status().WaitAsync(cancellationToken);

    public Task<bool> VerifyAsync(string username, string code, CancellationToken cancellationToken) =>
        Of(username).Verify(code).WaitAsync(cancellationToken);

    public Task<TotpEnrolment> BeginAsync(string username, string issuer, CancellationToken cancellationToken) =>
        Of(username).BeginTotp(issuer).WaitAsync(cancellationToken);

    public Task<IReadOnlyList<string>?> ConfirmAsync(string username, string code, CancellationToken cancellationToken) =>
        Of(username).ConfirmTotp(code).WaitAsync(cancellationToken);

    public Task<bool> ResetAsync(string username, CancellationToken cancellationToken) =>
        Of(username).Reset().WaitAsync(cancellationToken);
}

/// <summary>
/// A second factor for sign-in (api.md "Consent and protection"): a user enrols a TOTP authenticator
/// for their own account and gets single-use recovery codes; from then on signing in needs a code.
/// With <see cref="AuthOptions.RequireMfa"/>, an account that can read personal data and has not
/// enrolled is let in only to enrol (<see cref="UseSecondFactorEnrolmentGate"/>). An administrator
/// resets the factor of a user who lost the device.
/// </summary>
public static class SecondFactorApi
{
    public static WebApplication MapSecondFactorApi(this WebApplication app)
    {
        var me = app.MapGroup("/api/me/mfa").WithTags("Auth").RequireAuthorization();
        me.MapGet("/", Status);
        me.MapPost("/totp", Begin);
        me.MapPost("/totp/verify", Confirm);
        app.MapDelete("/api/users/{username}/mfa", Reset).RequireAuthorization(p => p.RequireRole(Roles.Admin)).WithTags("Auth");
        return app;
    }

    /// <summary>
    /// Refuses every request of an enrolment-only token (403) but its own account, the enrolment and
    /// refreshing: the account signs in fully once it has a second factor.
    /// </summary>
    public static WebApplication UseSecondFactorEnrolmentGate(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.User.HasClaim(c => c.Type == CoordinationClaims.MfaEnrolment)
                && !(context.Request.Path.StartsWithSegments("/api/me/mfa") || context.Request.Path.Equals("/api/me")
                    || context.Request.Path.Equals("/api/auth/refresh") || context.Request.Path.Equals("/api/auth/token")))
            {
                await Results.Problem(
                    title: "Second factor required",
                    detail: "Your account must enrol a second factor (an authenticator app) before it can be used: open the two-step sign-in page.",
                    statusCode: StatusCodes.Status403Forbidden,
                    extensions: new Dictionary<string, object?> { ["mfa"] = "enrol" }).ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }

    /// <summary>Whether the account must enrol before anything else: required by configuration for its roles, and not done yet.</summary>
    public static bool MustEnrol(AuthOptions auth, UserRecord user, SecondFactorStatus factor) =>
        auth.RequireMfa && !factor.Enrolled && user.Roles.Any(r => Roles.CaseWorkers.Contains(r, StringComparer.Ordinal));

    /// <summary>The password was right, but the account signs in with a code too: 401, marked so that a client asks for it.</summary>
    public static ProblemHttpResult CodeRequired() =>
        TypedResults.Problem(
            title: "Second factor required",
            detail: "Enter the six-digit code from your authenticator app, or one of your recovery codes.",
            statusCode: StatusCodes.Status401Unauthorized,
            extensions: new Dictionary<string, object?> { ["mfa"] = "code" });

    private static async Task<Ok<SecondFactorStatus>> Status(HttpContext http, SecondFactors factors, CancellationToken cancellationToken) =>
        TypedResults.Ok(await factors.StatusAsync(Username(http), cancellationToken));

    private static async Task<Ok<TotpEnrolment>> Begin(HttpContext http, SecondFactors factors, IOptions<AuthOptions> options, CancellationToken cancellationToken) =>
        TypedResults.Ok(await factors.BeginAsync(Username(http), options.Value.MfaIssuer, cancellationToken));

    private static async Task<Results<Ok<RecoveryCodesView>, ValidationProblem>> Confirm(
        OtpRequest request, HttpContext http, SecondFactors factors, AuditStore audit, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var code = errors.Text("code", request.Code, 32);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (await factors.ConfirmAsync(Username(http), code!, cancellationToken) is not { } recoveryCodes)
        {
            errors.Add("code", "This is not the current code of the key you were given. Check the app's clock, or begin again.");
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        await audit.AppendAccountEventAsync(http, "user.mfa.enrol", Username(http), cancellationToken);
        return TypedResults.Ok(new RecoveryCodesView(recoveryCodes));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Reset(
        string username, HttpContext http, SecondFactors factors, AuditStore audit, CancellationToken cancellationToken)
    {
        if (!await factors.ResetAsync(username, cancellationToken))
        {
            return TypedResults.Problem(title: "Not found", detail: $"User '{username}' has no second factor.", statusCode: StatusCodes.Status404NotFound);
        }

        await audit.AppendAccountEventAsync(http, "user.mfa.reset", username, cancellationToken);
        return TypedResults.NoContent();
    }

    private static string Username(HttpContext http) => http.User.FindFirstValue(CoordinationClaims.Username)!;
}
