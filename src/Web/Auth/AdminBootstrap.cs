using Coordination.Contracts.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Coordination.Web.Auth;

/// <summary>
/// First start creates the <c>admin</c> user from COORDINATION_ADMIN_PASSWORD. Idempotent: an
/// existing admin is left as it is, so restarting never resets a changed password.
/// </summary>
public sealed class AdminBootstrap(
    UserAccounts users, IPasswordHasher<UserRecord> hasher, IConfiguration configuration, IOptions<AuthOptions> options, ILogger<AdminBootstrap> logger) : IHostedService
{
    public const string PasswordVariable = "COORDINATION_ADMIN_PASSWORD";
    public const string AdminUsername = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await users.FindAsync(AdminUsername, cancellationToken) is not null)
        {
            return;
        }

        var password = configuration[PasswordVariable];
        if (string.IsNullOrWhiteSpace(password))
        {
            throw new InvalidOperationException(
                $"No admin user exists yet and {PasswordVariable} is not set: set it to the first admin password.");
        }

        var problems = PasswordPolicy.Problems(AdminUsername, password, options.Value.MinimumPasswordLength);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"{PasswordVariable} is too weak for the first admin password: {string.Join(" ", problems)}");
        }

        var admin = new UserRecord(AdminUsername, string.Empty, "Administrator", null, [Roles.Admin], "en", false);
        if (await users.TryCreateAsync(admin with { PasswordHash = hasher.HashPassword(admin, password) }, cancellationToken))
        {
            logger.LogInformation("Created the admin user");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
