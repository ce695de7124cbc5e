using System.Threading.Channels;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.Tests.Infrastructure;

/// <summary>
/// A real SignalR dashboard connection: collects every pushed feed item. With
/// <c>autoReconnect</c> it behaves as the dashboards do: SignalR's automatic reconnect, then
/// <c>Since</c> the last seq up to which it has every item, to fetch whatever it missed.
/// </summary>
public sealed class DashboardClient : IAsyncDisposable
{
    private readonly Channel<FeedItem> _received = Channel.CreateUnbounded<FeedItem>();
    private readonly List<FeedItem> _all = [];
    private readonly SortedSet<long> _seqs = [];

    private DashboardClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<FeedItem>("feed", Receive);
    }

    public int Reconnections { get; private set; }

    private void Receive(FeedItem item)
    {
        lock (_received)
        {
            _seqs.Add(item.Seq);
            _all.Add(item);
        }

        _received.Writer.TryWrite(item);
    }

    private async Task CatchUpAsync()
    {
        Reconnections++;
        // From the last seq up to which nothing is missing, as the dashboards do: pushes arrive out of
        // order or not at all, and the highest seq seen may lie beyond a gap.
        long after;
        lock (_received)
        {
            after = _seqs.Count == 0 ? 0 : _seqs.Min;
            while (_seqs.Contains(after + 1))
            {
                after++;
            }
        }

        foreach (var item in await SinceAsync(after))
        {
            Receive(item);
        }
    }

    public HubConnection Connection { get; }

    /// <summary>Every item received so far, in order, whether or not a wait has consumed it.</summary>
    public IReadOnlyList<FeedItem> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _all];
            }
        }
    }

    public static async Task<DashboardClient> ConnectAsync(Uri webUrl, string token, bool autoReconnect = false)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(webUrl, "/hubs/dashboard"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .AddJsonProtocol(o => CoordinationJson.Configure(o.PayloadSerializerOptions));
        if (autoReconnect)
        {
            builder.WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5),
                TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)]);
        }

        var client = new DashboardClient(builder.Build());
        if (autoReconnect)
        {
            client.Connection.Reconnected += _ => client.CatchUpAsync();
        }

        await client.Connection.StartAsync();
        // As the dashboards do, a first call once connected: the hub serves it only after it has finished
        // connecting (joined the agency's group, watched its feed), so items committed from now on reach
        // this client. Asked past any seq, it fetches nothing: tests count only what is pushed.
        try
        {
            await client.SinceAsync(long.MaxValue);
        }
        catch (Exception) when (client.Connection.State != HubConnectionState.Connected)
        {
            // Closed by the server as it connected (over the dashboard cap): the caller finds it closed.
        }

        return client;
    }

    /// <summary>Waits for the first pushed item that matches, skipping others; fails after the timeout.</summary>
    public async Task<FeedItem> WaitForAsync(Func<FeedItem, bool> match, TimeSpan? timeout = null)
    {
        // Generous: these waits prove delivery, not speed (the benchmark measures that), and CI machines are shared.
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var item = await _received.Reader.ReadAsync(cts.Token);
                if (match(item))
                {
                    return item;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The dashboard did not receive the expected feed item.");
        }
    }

    public Task<IReadOnlyList<FeedItem>> SinceAsync(long afterSeq) =>
        Connection.InvokeAsync<IReadOnlyList<FeedItem>>("Since", afterSeq);

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
