using System.Diagnostics;
using System.Text.Json;
using Coordination.Contracts.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coordination.Benchmarks;

/// <summary>
/// The SignalR baseline: a bare hub on Kestrel (loopback) that pushes a feed-item-sized message
/// back to the caller (<c>Echo</c>) or to a group (<c>Broadcast</c>). No auth, no Orleans, no
/// database — the cost of SignalR itself on this machine.
/// </summary>
public sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoServer(WebApplication app, Uri hubUrl)
    {
        _app = app;
        HubUrl = hubUrl;
    }

    public Uri HubUrl { get; }

    public static async Task<EchoServer> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddSignalR().AddJsonProtocol(o => CoordinationJson.Configure(o.PayloadSerializerOptions));
        var app = builder.Build();
        app.MapHub<EchoHub>("/hubs/echo");
        await app.StartAsync();
        return new EchoServer(app, new Uri($"http://127.0.0.1:{port}/hubs/echo"));
    }

    /// <summary>A client of the echo hub (in <paramref name="group"/> when given) that records every push on <paramref name="board"/>.</summary>
    public static async Task<HubConnection> ConnectAsync(Uri hubUrl, ReceiptBoard board, string? group = null)
    {
        var url = group is null ? hubUrl : new Uri($"{hubUrl}?group={Uri.EscapeDataString(group)}");
        var connection = new HubConnectionBuilder()
            .WithUrl(url, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .AddJsonProtocol(o => CoordinationJson.Configure(o.PayloadSerializerOptions))
            .Build();
        connection.On<EchoItem>("feed", item => board.Record(item.CaseId, Stopwatch.GetTimestamp()));
        await connection.StartAsync();
        return connection;
    }

    public Task<HubConnection> ConnectAsync(ReceiptBoard board, string? group = null) => ConnectAsync(HubUrl, board, group);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Shaped like a feed item on the wire (about the same size), keyed by <see cref="CaseId"/>.</summary>
public sealed record EchoItem(long Seq, Guid Id, string Type, string Kind, string CaseId, string Summary, string Urgency,
    DateTimeOffset OccurredAt, bool RequiresAck, DateTimeOffset? AckDeadline, IReadOnlyDictionary<string, string> Data)
{
    private static readonly IReadOnlyDictionary<string, string> SampleData = JsonSerializer.Deserialize<Dictionary<string, string>>(
        """
        {"caseId":"KG-2026-000001","citizenship":"KG","homeRegion":"District 01","sex":"F","age":"36","minor":"false",
         "situation":"Detained","currentCountry":"TR","exploitationType":"Labour","needs":"Shelter,Legal","urgency":"Routine",
         "flaggedBy":"kg-post-0123abcd","referralId":"r1","services":"Shelter, Legal"}
        """)!;

    public static EchoItem For(string tag) => new(1, Guid.NewGuid(), "ReferralReceived", "alert", tag,
        $"Referral {tag}: F, age 36, Detained in TR; needs Shelter, Legal", "Routine", DateTimeOffset.UtcNow, true,
        DateTimeOffset.UtcNow.AddDays(1), SampleData);
}

public sealed class EchoHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        if (Context.GetHttpContext()?.Request.Query["group"] is { Count: > 0 } group)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group.ToString());
        }

        await base.OnConnectedAsync();
    }

    public Task Echo(string tag) => Clients.Caller.SendAsync("feed", EchoItem.For(tag));

    public Task Broadcast(string group, string tag) => Clients.Group(group).SendAsync("feed", EchoItem.For(tag));

    /// <summary>A page of <paramref name="count"/> feed-item-sized messages in one invocation result, like <c>Since</c>.</summary>
    public IReadOnlyList<EchoItem> Page(int count) => Enumerable.Range(0, count).Select(i => EchoItem.For($"item-{i}")).ToList();
}
