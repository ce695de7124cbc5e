using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Contracts.Notify;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Notify;

/// <summary>
/// The webhook channel against real local HTTP receivers: every try of a notification is signed and
/// logged, a receiver that fails twice gets it on the third try, and the example receiver of
/// deploy/examples accepts the signature.
/// </summary>
[Collection("notify cluster")]
public sealed class WebhookNotificationTests(NotifyClusterFixture fixture)
{
    private const string Secret = "a-long-shared-secret-for-the-gateway";

    private NotifyClusterFixture.Cluster Cluster => fixture.Grains;

    [Fact]
    public async Task A_receiver_that_fails_twice_gets_the_signed_notification_on_the_third_try_and_every_try_is_logged()
    {
        var ngo = await NotifyWorld.NgoAsync(Cluster, "hook");
        await using var receiver = HttpReceiver.Start(HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.NoContent);
        await Cluster.Client.GetGrain<IAgencyWebhookGrain>(ngo.Id).Replace(receiver.Url, Secret, new Actor("coordinator", ngo.Id));
        await NotifyWorld.PolicyAsync(Cluster, ngo.Id, new EscalationPolicy([new(TimeSpan.Zero, EscalationLevel.OnDuty)], null));

        var item = await NotifyWorld.RaiseAsync(Cluster, ngo.Id, Urgency.Critical);
        var links = Cluster.Client.GetGrain<INotificationsGrain>(0);
        await NotifyWorld.EventuallyAsync(async () => (await links.Log(ngo.Id, item.Id))!.Count(a => a.Channel == "webhook") == 3);

        Assert.Equal(3, receiver.Requests.Count);
        var bodies = receiver.Requests.Select(r => r.Body).ToList();
        Assert.All(bodies, b => Assert.Equal(bodies[0], b));
        foreach (var request in receiver.Requests)
        {
            Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), request.Body)), request.Headers["X-Coordination-Signature"]);
            Assert.NotEqual("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret + "x"), request.Body)), request.Headers["X-Coordination-Signature"]);
        }

        var text = Encoding.UTF8.GetString(bodies[0]);
        var payload = JsonNode.Parse(text)!;
        Assert.Equal(item.CaseId, payload["caseId"]!.GetValue<string>());
        Assert.Equal("PickupRequested", payload["type"]!.GetValue<string>());
        Assert.Equal("Critical", payload["urgency"]!.GetValue<string>());
        Assert.Equal(ngo.OnDuty, payload["recipient"]!.GetValue<string>());
        Assert.Equal($"{item.Id:N}.0.webhook", payload["notificationId"]!.GetValue<string>());
        Assert.StartsWith($"{NotifyClusterFixture.Cluster.DashboardUrl}/#/ack/", payload["ackUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("Aida", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Karimova", text, StringComparison.OrdinalIgnoreCase);

        var tries = (await links.Log(ngo.Id, item.Id))!.Where(a => a.Channel == "webhook").ToList();
        Assert.Equal([(1, "failed (HTTP 500)"), (2, "failed (HTTP 500)"), (3, "delivered")], tries.Select(a => (a.Attempt, a.Outcome)));
        Assert.All(tries, a => Assert.Equal("127.0.0.1", a.To));
        Assert.Single(await fixture.Inbox.WaitForAsync(ngo.OnDutyAddress));
    }

    [Fact]
    public async Task The_example_receiver_accepts_the_signed_notification()
    {
        var ngo = await NotifyWorld.NgoAsync(Cluster, "example");
        var port = CoordinationProcesses.FreePort();
        var script = Path.Combine(CoordinationProcesses.RepositoryRoot, "deploy", "examples", "webhook-receiver", "receiver.py");
        var info = new ProcessStartInfo("python3", [script, port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["WEBHOOK_SECRET"] = Secret;
        using var process = Process.Start(info)!;
        var printed = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) printed.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Python may take a while to listen on a loaded machine; the walk's POST comes at once.
            await NotifyWorld.EventuallyAsync(() => ListeningAsync(port));
            await Cluster.Client.GetGrain<IAgencyWebhookGrain>(ngo.Id).Replace($"http://127.0.0.1:{port}/", Secret, new Actor("coordinator", ngo.Id));
            await NotifyWorld.PolicyAsync(Cluster, ngo.Id, new EscalationPolicy([new(TimeSpan.Zero, EscalationLevel.OnDuty)], null));
            var item = await NotifyWorld.RaiseAsync(Cluster, ngo.Id, Urgency.Urgent);

            var links = Cluster.Client.GetGrain<INotificationsGrain>(0);
            await NotifyWorld.EventuallyAsync(async () => (await links.Log(ngo.Id, item.Id))!.Any(a => a is { Channel: "webhook", Outcome: "delivered" }));
            await NotifyWorld.EventuallyAsync(() => Task.FromResult(printed.Any(l => l.Contains(item.CaseId!, StringComparison.Ordinal))));
            Assert.Contains(printed, l => l.Contains(ngo.OnDuty, StringComparison.Ordinal));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static async Task<bool> ListeningAsync(int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
