using Coordination.Contracts.Accounts;

namespace Coordination.Tests.Grains;

/// <summary><see cref="IAccountsGrain"/>, the one way to the <c>users</c> table, on a real cluster and a real database.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class AccountsGrainTests(GrainClusterFixture fixture)
{
    private IAccountsGrain Accounts => fixture.Client.GetGrain<IAccountsGrain>(0);

    [Fact]
    public async Task An_account_is_created_once_and_read_back_as_it_was_stored()
    {
        var user = new UserRecord($"acc-{Guid.NewGuid():N}"[..20], "hash-of-a-password", "Aida Test", null, ["Admin", "Analyst"], "ru", false);

        Assert.True(await Accounts.TryCreate(user));
        Assert.False(await Accounts.TryCreate(user with { DisplayName = "Someone else" }));

        var found = (await Accounts.Find(user.Username))!;
        Assert.Equal(user, found with { Roles = user.Roles });
        Assert.Equal(new[] { "Admin", "Analyst" }, found.Roles);
        Assert.Equal(new AccountStanding(false, null), await Accounts.FindStanding(user.Username));
        Assert.Null(await Accounts.Find("nobody-at-all"));
        Assert.Null(await Accounts.FindStanding("nobody-at-all"));
    }

    [Fact]
    public async Task The_failed_sign_in_that_reaches_the_threshold_locks_the_account_and_a_sign_in_clears_the_lock()
    {
        var user = new UserRecord($"lock-{Guid.NewGuid():N}"[..20], "hash", "Locked Test", null, ["Analyst"], "en", false);
        await Accounts.TryCreate(user);
        var until = new DateTimeOffset(2031, 5, 1, 12, 0, 0, TimeSpan.Zero);

        Assert.Null(await Accounts.RecordFailedSignIn(user.Username, 3, until));
        Assert.Null(await Accounts.RecordFailedSignIn(user.Username, 3, until));
        Assert.Equal(until, await Accounts.RecordFailedSignIn(user.Username, 3, until));
        Assert.Equal(until, (await Accounts.Find(user.Username))!.LockedUntil);

        await Accounts.RecordSignIn(user.Username);
        Assert.Null((await Accounts.Find(user.Username))!.LockedUntil);
        Assert.Null(await Accounts.RecordFailedSignIn(user.Username, 3, until));
    }

    [Fact]
    public async Task Disabling_revokes_every_token_issued_until_then_and_enabling_does_not_bring_them_back()
    {
        var user = new UserRecord($"dis-{Guid.NewGuid():N}"[..20], "hash", "Disabled Test", null, ["Analyst"], "en", false);
        await Accounts.TryCreate(user);
        var now = fixture.Clock.GetUtcNow();

        Assert.True(await Accounts.SetDisabled(user.Username, true, now));
        var disabled = (await Accounts.FindStanding(user.Username))!;
        Assert.True(disabled.Disabled);
        Assert.False(disabled.Accepts(now.AddMinutes(1)));
        Assert.True((await Accounts.Find(user.Username))!.Disabled);

        Assert.True(await Accounts.SetDisabled(user.Username, false, now.AddMinutes(5)));
        var enabled = (await Accounts.FindStanding(user.Username))!;
        Assert.False(enabled.Accepts(now.AddSeconds(-1)));
        Assert.True(enabled.Accepts(now.AddMinutes(1)));
        Assert.False(await Accounts.SetDisabled("nobody-at-all", true, now));
    }
}
