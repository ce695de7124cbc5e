using Coordination.Chaos.Checking;
using Coordination.Grains.Notify;
using Coordination.Tests.Integration;

namespace Coordination.Tests.Chaos;

/// <summary>
/// What the chaos run reads as a notification's attempts, on claims and log lines left by the store calls
/// the walker makes (PostgreSQL): a walker's silo that dies after its webhook's POST and before the log
/// line leaves only the claim taken over behind, and that must count as a second attempt.
/// </summary>
public sealed class ClaimAttemptsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);
    private const int Retries = 3;

    [Fact]
    public async Task A_claim_taken_over_after_an_unlogged_post_a_retried_try_and_a_plain_send_read_as_2_2_and_1()
    {
        await using var db = await FeedLogTests.DatabaseAsync("claim_attempts");
        var (lost, retried, plain) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        const string hook = "webhook:ngo";

        // Attempt 1 POSTs and its silo dies before the log line; after the lease the claim is taken over and its try is logged.
        Assert.Equal(1, (await NotificationStore.ClaimAsync(db, "ngo", lost, 0, hook, NotificationWalkGrain.Webhook, T0, Lease, default)).Attempt);
        var takenOver = await NotificationStore.ClaimAsync(db, "ngo", lost, 0, hook, NotificationWalkGrain.Webhook, T0 + Lease, Lease, default);
        Assert.Equal(2, takenOver.Attempt);
        await NotificationStore.AppendLogAsync(db, lost, 0, hook, NotificationWalkGrain.Webhook, "127.0.0.1", Retries + 2, "204", T0 + Lease, default);
        await NotificationStore.SettleClaimAsync(db, lost, 0, hook, NotificationWalkGrain.Webhook, "delivered", final: true, default);

        // One attempt whose first try failed and whose second was delivered.
        Assert.Equal(1, (await NotificationStore.ClaimAsync(db, "ngo", retried, 0, hook, NotificationWalkGrain.Webhook, T0, Lease, default)).Attempt);
        await NotificationStore.AppendLogAsync(db, retried, 0, hook, NotificationWalkGrain.Webhook, "127.0.0.1", 1, "timeout", T0, default);
        await NotificationStore.AppendLogAsync(db, retried, 0, hook, NotificationWalkGrain.Webhook, "127.0.0.1", 2, "204", T0, default);
        await NotificationStore.SettleClaimAsync(db, retried, 0, hook, NotificationWalkGrain.Webhook, "delivered", final: true, default);

        // An e-mail sent once.
        Assert.Equal(1, (await NotificationStore.ClaimAsync(db, "ngo", plain, 0, "worker", NotificationWalkGrain.Email, T0, Lease, default)).Attempt);
        await NotificationStore.RecordAsync(db, plain, 0, "worker", NotificationWalkGrain.Email, "w***@example.org", 1, "sent", final: true, T0, default);

        var attempts = await ClaimAttempts.ReadAsync(db);

        Assert.Equal(Retries + 2, attempts[(lost, 0, NotificationWalkGrain.Webhook)]);
        Assert.Equal(2, attempts[(retried, 0, NotificationWalkGrain.Webhook)]);
        Assert.Equal(1, attempts[(plain, 0, NotificationWalkGrain.Email)]);
        // So the checker allows the taken-over claim's two POSTs, and would not allow two e-mails of the plain one.
        var twice = new NotificationTruth(T0.AddMinutes(5), [TimeSpan.Zero], [new(lost, T0, null), new(plain, T0, null)],
            [(lost, 0), (plain, 0), (plain, 0)], [(lost, 0), (lost, 0), (plain, 0)], attempts);
        var violation = Assert.Single(NotificationChecker.Check(twice, TimeSpan.FromSeconds(30)).Violations);
        Assert.Contains($"item {plain} level 0: 2 × email", violation.Detail, StringComparison.Ordinal);
    }
}
