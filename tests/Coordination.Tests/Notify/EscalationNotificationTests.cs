using System.Text.RegularExpressions;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Notify;
using Coordination.Grains.Notify;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Tests.Notify;

/// <summary>A real SMTP server (smtp4dev) and an in-process cluster whose domain clock the tests move.</summary>
public sealed class NotifyClusterFixture : IAsyncLifetime
{
    public SmtpInbox Inbox { get; private set; } = null!;
    public Cluster Grains { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Inbox = await SmtpInbox.StartAsync();
        Grains = new Cluster(Inbox.SmtpPort);
        await Grains.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Grains.DisposeAsync();
        await Inbox.DisposeAsync();
    }

    /// <summary>Starts at 02:00 in Bishkek (UTC+6, no daylight saving).</summary>
    public sealed class Cluster(int smtpPort) : InProcessClusterFixture(new DateTimeOffset(2026, 6, 1, 20, 0, 0, TimeSpan.Zero))
    {
        public const string DashboardUrl = "https://coordination.example.org";

        protected override string DatabasePurpose => "notify";

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Coordination:Smtp:Host"] = "127.0.0.1",
            ["Coordination:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Coordination:Notify:DashboardUrl"] = DashboardUrl,
            // A webhook's retries come quickly here; the backoff's doubling is the pipeline's own.
            ["Coordination:Notify:WebhookBackoff"] = "00:00:00.050",
            // Routine e-mails wait the default 30 s for others to the same person, Urgent ones 10 s.
            ["Coordination:Notify:GroupWait:Urgent"] = "00:00:10",
            // Web Push with a key pair of this run; the push service is a local receiver on plain http.
            ["Coordination:Notify:WebPush:Subject"] = VapidSubject,
            ["Coordination:Notify:WebPush:PublicKey"] = Vapid.PublicKey,
            ["Coordination:Notify:WebPush:PrivateKey"] = Vapid.PrivateKey,
            ["Coordination:Notify:WebPush:AllowHttpEndpoints"] = "true",
        };

        public const string VapidSubject = "mailto:ops@coordination.example.org";

        public static readonly (string PublicKey, string PrivateKey) Vapid = WebPushKeys.NewVapidKeys();

        public static readonly TimeSpan RoutineGroupWait = TimeSpan.FromSeconds(30);
        public static readonly TimeSpan UrgentGroupWait = TimeSpan.FromSeconds(10);
    }
}

[CollectionDefinition("notify cluster")]
public sealed class NotifyClusterCollection : ICollectionFixture<NotifyClusterFixture>;

/// <summary>
/// Escalation policies walked with a fake clock and e-mails read from a real SMTP server: levels go
/// out once each, in time, to the right person, hold for quiet hours, and stop at acknowledgement.
/// </summary>
[Collection("notify cluster")]
public sealed partial class EscalationNotificationTests(NotifyClusterFixture fixture)
{
    private static readonly TimeZoneInfo Bishkek = TimeZoneInfo.FindSystemTimeZoneById("Asia/Bishkek");

    private NotifyClusterFixture.Cluster Cluster => fixture.Grains;

    [Fact]
    public async Task A_critical_alert_at_night_emails_the_person_on_duty_then_the_deputy_who_acknowledges_through_the_link_and_nothing_more_is_sent()
    {
        var ngo = await NotifyWorld.NgoAsync(Cluster, "night");
        var secretariat = await NotifyWorld.NgoAsync(Cluster, "secretariat");
        await NotifyWorld.PolicyAsync(Cluster, ngo.Id, new EscalationPolicy(
            [new(TimeSpan.Zero, EscalationLevel.OnDuty), new(TimeSpan.FromMinutes(15), $"user:{ngo.Deputy}"), new(TimeSpan.FromMinutes(30), $"agency:{secretariat.Id}")],
            new QuietHours("22:00", "07:00")));
        MoveTo(new TimeOnly(2, 40));

        var item = await NotifyWorld.RaiseAsync(Cluster, ngo.Id, Urgency.Critical);
        var first = Assert.Single(await fixture.Inbox.WaitForAsync(ngo.OnDutyAddress));
        var text = await fixture.Inbox.PlainTextAsync(first);
        Assert.Contains(item.CaseId!, first.Subject, StringComparison.Ordinal);
        Assert.Contains("Critical", text, StringComparison.Ordinal);
        Assert.Contains("PickupRequested", text, StringComparison.Ordinal);
        Assert.Contains($"{NotifyClusterFixture.Cluster.DashboardUrl}/#/ack/", text, StringComparison.Ordinal);
        foreach (var personal in new[] { "Aida", "Karimova", "FRU" })
        {
            Assert.DoesNotContain(personal, first.Subject + text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Empty(await fixture.Inbox.MessagesToAsync(ngo.DeputyAddress));

        // Nobody acknowledges: the deputy after the level-1 delay, not before.
        Cluster.Clock.Advance(TimeSpan.FromMinutes(14));
        await Cluster.Client.GetGrain<IAgencyFeedGrain>(ngo.Id).CatchUp();
        Assert.Empty(await fixture.Inbox.MessagesToAsync(ngo.DeputyAddress));
        Cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        await Cluster.Client.GetGrain<IAgencyFeedGrain>(ngo.Id).CatchUp();
        var second = Assert.Single(await fixture.Inbox.WaitForAsync(ngo.DeputyAddress));
        var token = AckLink().Match(await fixture.Inbox.PlainTextAsync(second)).Groups[1].Value;

        // The link is the deputy's, and works once.
        var links = Cluster.Client.GetGrain<INotificationsGrain>(0);
        Assert.Equal(AckLinkOutcome.Unknown, (await links.UseAckLink(token, ngo.OnDuty)).Outcome);
        Assert.Equal(AckLinkOutcome.Acknowledged, (await links.UseAckLink(token, ngo.Deputy)).Outcome);
        Assert.Equal(AckLinkOutcome.Spent, (await links.UseAckLink(token, ngo.Deputy)).Outcome);
        var acknowledged = (await Cluster.Client.GetGrain<IAgencyFeedGrain>(ngo.Id).Since(item.Seq - 1, 1)).Single();
        Assert.Equal(ngo.Deputy, acknowledged.AcknowledgedBy);

        // Past the third level's time: nothing more goes out.
        Cluster.Clock.Advance(TimeSpan.FromMinutes(30));
        await Cluster.Client.GetGrain<IAgencyFeedGrain>(ngo.Id).CatchUp();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Null(await NotifyAtAsync(item.Id));
        Assert.Empty(await fixture.Inbox.MessagesToAsync(secretariat.OnDutyAddress));
        Assert.Single(await fixture.Inbox.MessagesToAsync(ngo.OnDutyAddress));
        Assert.Single(await fixture.Inbox.MessagesToAsync(ngo.DeputyAddress));

        var log = (await links.Log(ngo.Id, item.Id))!;
        Assert.Equal([(0, "sent", 1), (1, "sent", 1)], log.Select(a => (a.Level, a.Outcome, a.Attempt)));
        Assert.All(log, a => Assert.Equal("email", a.Channel));
        Assert.Equal(NotificationWalkGrain.Mask(ngo.OnDutyAddress), log[0].To);
        Assert.Equal(NotificationWalkGrain.Mask(ngo.DeputyAddress), log[1].To);
        Assert.StartsWith($"{ngo.OnDutyAddress[0]}***@", log[0].To, StringComparison.Ordinal);
        Assert.Null(await links.Log(secretariat.Id, item.Id));
    }

    [Fact]
    public async Task Quiet_hours_hold_a_routine_alert_until_morning_while_a_critical_one_goes_at_once()
    {
        var ngo = await NotifyWorld.NgoAsync(Cluster, "quiet");
        await NotifyWorld.PolicyAsync(Cluster, ngo.Id, new EscalationPolicy([new(TimeSpan.Zero, EscalationLevel.OnDuty)], new QuietHours("22:00", "07:00")));
        MoveTo(new TimeOnly(23, 0));

        var routine = await NotifyWorld.RaiseAsync(Cluster, ngo.Id, Urgency.Routine);
        var morning = NextLocal(new TimeOnly(7, 0));
        await NotifyWorld.EventuallyAsync(async () => await NotifyAtAsync(routine.Id) == morning);
        var critical = await NotifyWorld.RaiseAsync(Cluster, ngo.Id, Urgency.Critical);
        var atOnce = Assert.Single(await fixture.Inbox.WaitForAsync(ngo.OnDutyAddress));
        Assert.Contains(critical.CaseId!, atOnce.Subject, StringComparison.Ordinal);

        Cluster.Clock.SetUtcNow(morning - TimeSpan.FromMinutes(1));
        await Cluster.Client.GetGrain<IAgencyFeedGrain>(ngo.Id).CatchUp();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(await fixture.Inbox.MessagesToAsync(ngo.OnDutyAddress));

        // At 07:00 the Routine e-mail waits its group wait for others to the same person, then goes.
        Cluster.Clock.SetUtcNow(morning);
        await Cluster.Client.GetGrain<IAgencyFeedGrain>(ngo.Id).CatchUp();
        await NotifyWorld.EventuallyAsync(async () => await NotifyAtAsync(routine.Id) == morning + NotifyClusterFixture.Cluster.RoutineGroupWait);
        Cluster.Clock.Advance(NotifyClusterFixture.Cluster.RoutineGroupWait);
        await Cluster.Client.GetGrain<IAgencyFeedGrain>(ngo.Id).CatchUp();
        var both = await fixture.Inbox.WaitForAsync(ngo.OnDutyAddress, 2);
        Assert.Contains(routine.CaseId!, both[1].Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_level_whose_person_has_no_verified_address_is_recorded_and_the_next_level_goes_on_time()
    {
        var ngo = await NotifyWorld.NgoAsync(Cluster, "unreachable", deputyVerified: false);
        await NotifyWorld.PolicyAsync(Cluster, ngo.Id, new EscalationPolicy(
            [new(TimeSpan.Zero, $"user:{ngo.Deputy}"), new(TimeSpan.FromMinutes(5), EscalationLevel.OnDuty)], null));

        var item = await NotifyWorld.RaiseAsync(Cluster, ngo.Id, Urgency.Urgent);
        var links = Cluster.Client.GetGrain<INotificationsGrain>(0);
        await NotifyWorld.EventuallyAsync(async () => (await links.Log(ngo.Id, item.Id))!.Count == 1);
        Assert.Equal("no channel", (await links.Log(ngo.Id, item.Id))![0].Outcome);
        Assert.Empty(await fixture.Inbox.MessagesToAsync(ngo.DeputyAddress));

        Cluster.Clock.Advance(TimeSpan.FromMinutes(5));
        await Cluster.Client.GetGrain<IAgencyFeedGrain>(ngo.Id).CatchUp();
        var grouped = Cluster.Clock.GetUtcNow() + NotifyClusterFixture.Cluster.UrgentGroupWait;
        await NotifyWorld.EventuallyAsync(async () => await NotifyAtAsync(item.Id) == grouped);
        Cluster.Clock.Advance(NotifyClusterFixture.Cluster.UrgentGroupWait);
        await Cluster.Client.GetGrain<IAgencyFeedGrain>(ngo.Id).CatchUp();
        Assert.Single(await fixture.Inbox.WaitForAsync(ngo.OnDutyAddress));
        await NotifyWorld.EventuallyAsync(async () => (await links.Log(ngo.Id, item.Id))!.Count == 2);
    }

    /// <summary>
    /// The claim that makes a level go out once: two walkers at once get one claim; a claim left
    /// without an outcome (its silo died) is taken over after the lease, as the next attempt; a
    /// claim with an outcome is never taken again.
    /// </summary>
    [Fact]
    public async Task A_claim_is_taken_once_taken_over_after_its_lease_with_the_next_attempt_and_never_after_its_outcome()
    {
        await using var db = NpgsqlDataSource.Create(Cluster.ConnectionString);
        var item = Guid.NewGuid();
        var lease = TimeSpan.FromMinutes(2);
        var now = Cluster.Clock.GetUtcNow();
        Task<Claim> Claim(DateTimeOffset at) => NotificationStore.ClaimAsync(db, "claims", item, 0, "someone", "email", at, lease, CancellationToken.None);

        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Claim(now)));
        Assert.Single(racing, c => c.Attempt == 1);
        Assert.All(racing.Where(c => c.Attempt is null), c => Assert.False(c.Finished));

        var held = await Claim(now + lease - TimeSpan.FromSeconds(1));
        Assert.Null(held.Attempt);
        Assert.Equal(now + lease, held.HeldUntil);

        var takenOver = await Claim(now + lease);
        Assert.Equal(2, takenOver.Attempt);

        await NotificationStore.RecordAsync(db, item, 0, "someone", "email", "-", 2, "sent", final: true, now + lease, CancellationToken.None);
        var finished = await Claim(now + TimeSpan.FromHours(1));
        Assert.True(finished.Finished);
        Assert.Null(finished.Attempt);
    }

    private Task<DateTimeOffset?> NotifyAtAsync(Guid itemId) => NotifyWorld.NotifyAtAsync(Cluster, itemId);

    /// <summary>Moves the clock forward to the next <paramref name="time"/> in Bishkek.</summary>
    private void MoveTo(TimeOnly time) => Cluster.Clock.SetUtcNow(NextLocal(time));

    private DateTimeOffset NextLocal(TimeOnly time)
    {
        var now = TimeZoneInfo.ConvertTime(Cluster.Clock.GetUtcNow(), Bishkek);
        var at = new DateTimeOffset(now.Date + time.ToTimeSpan(), now.Offset);
        return (at > now ? at : at.AddDays(1)).ToUniversalTime();
    }

    [GeneratedRegex("#/ack/([A-Za-z0-9_-]{43})")]
    private static partial Regex AckLink();
}
