using System.Net;
using Coordination.Tests.Infrastructure;
using OtpNet;

namespace Coordination.Tests.Security;

/// <summary>
/// The second factor over HTTP against the real processes: a user enrols an authenticator, then
/// signs in only with a code (each accepted once) or a recovery code (each spent by its use); an
/// administrator resets it. With <c>RequireMfa</c>, a web host lets a case worker who has not
/// enrolled do nothing but enrol. Codes are computed as an authenticator app does, from the key.
/// </summary>
[Collection("security")]
public sealed class SecondFactorTests(SecurityFixture fixture)
{
    [Fact]
    public async Task After_enrolling_a_user_signs_in_only_with_a_fresh_code_or_an_unspent_recovery_code()
    {
        var field = fixture.World.Field;
        var agency = await field.AgencyAsync("mfa-ngo", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [field.Region("Mfa")], [], ["Shelter"]));
        using var user = await field.UserAsync("mfa-worker", agency, "NgoCaseworker");
        var username = field.Id("mfa-worker");

        var status = (await user.GetAsync("/api/me/mfa")).Expect(HttpStatusCode.OK).Json!;
        Assert.False(status["enrolled"]!.GetValue<bool>());
        var enrolment = (await user.PostAsync("/api/me/mfa/totp", null)).Expect(HttpStatusCode.OK).Json!;
        var key = Base32Encoding.ToBytes(enrolment["secret"]!.GetValue<string>());
        Assert.StartsWith("otpauth://totp/", enrolment["uri"]!.GetValue<string>());
        // Until a code confirms it, nothing changes: a wrong code is refused and sign-in needs no code.
        (await user.PostAsync("/api/me/mfa/totp/verify", new { code = "000000" })).ExpectProblem(HttpStatusCode.BadRequest);
        (await SignInAsync(username)).Expect(HttpStatusCode.OK);

        var now = DateTime.UtcNow;
        var confirmed = (await user.PostAsync("/api/me/mfa/totp/verify", new { code = new Totp(key).ComputeTotp(now) })).Expect(HttpStatusCode.OK).Json!;
        var recovery = confirmed["recoveryCodes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Equal(10, recovery.Distinct().Count());

        // The password alone is not enough now, and says so; a wrong code is a failed sign-in.
        var asked = (await SignInAsync(username)).ExpectProblem(HttpStatusCode.Unauthorized);
        Assert.Equal("code", asked.Json!["mfa"]!.GetValue<string>());
        (await SignInAsync(username, "123456")).ExpectProblem(HttpStatusCode.Unauthorized);

        // The next step's code (an app's clock a little ahead) signs in, once.
        var next = new Totp(key).ComputeTotp(now.AddSeconds(30));
        var signedIn = (await SignInAsync(username, next)).Expect(HttpStatusCode.OK).Json!;
        Assert.False(signedIn["mfaEnrolmentRequired"]!.GetValue<bool>());
        (await SignInAsync(username, next)).ExpectProblem(HttpStatusCode.Unauthorized);

        // A recovery code signs in once, written in any case and with or without its dash.
        (await SignInAsync(username, recovery[0].Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant())).Expect(HttpStatusCode.OK);
        (await SignInAsync(username, recovery[0])).ExpectProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(9, (await user.GetAsync("/api/me/mfa")).Expect(HttpStatusCode.OK).Json!["recoveryCodesLeft"]!.GetValue<int>());

        // The device is lost: the administrator resets the factor, audited, and the password alone signs in again.
        (await fixture.World.Admin.SendAsync(HttpMethod.Delete, $"/api/users/{username}/mfa", null)).Expect(HttpStatusCode.NoContent);
        (await SignInAsync(username)).Expect(HttpStatusCode.OK);
        var since = Uri.EscapeDataString(now.AddMinutes(-1).ToString("O"));
        var audit = (await fixture.World.Admin.GetAsync($"/api/audit?from={since}&limit=1000")).Expect(HttpStatusCode.OK).Json!.AsArray()
            .Where(e => e!["detail"]?.GetValue<string>() == username).ToList();
        Assert.Contains(audit, e => e!["action"]!.GetValue<string>() == "user.mfa.enrol");
        Assert.Contains(audit, e => e!["action"]!.GetValue<string>() == "user.mfa.reset");
    }

    [Fact]
    public async Task With_mfa_required_a_case_worker_without_a_second_factor_may_only_enrol_and_then_signs_in_with_a_code()
    {
        var web = await fixture.System.StartWebAsync(new Dictionary<string, string> { ["Coordination__Auth__RequireMfa"] = "true" });
        var field = fixture.World.Field;
        var agency = await field.AgencyAsync("mfa-required", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [field.Region("MfaRequired")], [], ["Shelter"]));
        using var _ = await field.UserAsync("mfa-required-worker", agency, "NgoCaseworker");
        var username = field.Id("mfa-required-worker");

        var first = (await SignInAsync(username, web: web)).Expect(HttpStatusCode.OK).Json!;
        Assert.True(first["mfaEnrolmentRequired"]!.GetValue<bool>());
        using var restricted = new ApiClient(web.BaseAddress, first["accessToken"]!.GetValue<string>());
        var refused = (await restricted.GetAsync("/api/feed")).ExpectProblem(HttpStatusCode.Forbidden);
        Assert.Equal("enrol", refused.Json!["mfa"]!.GetValue<string>());
        (await restricted.GetAsync("/api/cases")).ExpectProblem(HttpStatusCode.Forbidden);
        (await restricted.GetAsync("/api/me")).Expect(HttpStatusCode.OK);

        var key = Base32Encoding.ToBytes((await restricted.PostAsync("/api/me/mfa/totp", null)).Expect(HttpStatusCode.OK).Json!["secret"]!.GetValue<string>());
        var now = DateTime.UtcNow;
        (await restricted.PostAsync("/api/me/mfa/totp/verify", new { code = new Totp(key).ComputeTotp(now) })).Expect(HttpStatusCode.OK);

        (await SignInAsync(username, web: web)).ExpectProblem(HttpStatusCode.Unauthorized);
        var full = (await SignInAsync(username, new Totp(key).ComputeTotp(now.AddSeconds(30)), web)).Expect(HttpStatusCode.OK).Json!;
        Assert.False(full["mfaEnrolmentRequired"]!.GetValue<bool>());
        using var worker = new ApiClient(web.BaseAddress, full["accessToken"]!.GetValue<string>());
        (await worker.GetAsync("/api/feed")).Expect(HttpStatusCode.OK);

        // Roles that never see a person are not held up.
        var ministry = await field.AgencyAsync("mfa-ministry", new { name = "Ministry", kind = "Ministry", country = "KG", timeZone = "Asia/Bishkek" });
        using var __ = await field.UserAsync("mfa-analyst", ministry, "Analyst");
        Assert.False((await SignInAsync(field.Id("mfa-analyst"), web: web)).Expect(HttpStatusCode.OK).Json!["mfaEnrolmentRequired"]!.GetValue<bool>());
        await web.StopAsync();
    }

    private async Task<ApiResponse> SignInAsync(string username, string? otp = null, HostProcess? web = null)
    {
        using var anonymous = new ApiClient(web?.BaseAddress ?? fixture.System.WebUrl);
        return await anonymous.SendAsync(HttpMethod.Post, "/api/auth/token", new { username, password = Field.Password, otp });
    }
}
