using System.Collections.Concurrent;
using Coordination.Chaos.Checking;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.Chaos;

/// <summary>
/// An agency's dashboard as the contract describes one: live <c>feed</c> pushes, SignalR's
/// automatic reconnect (retrying for as long as its web host is away) followed by
/// <c>Since(lastSeq)</c>, and <c>Since</c> as soon as a push shows a hole below it. It records
/// when and how each item arrived, and when it was disconnected.
/// </summary>
public sealed class ChaosDashboard : IAsyncDisposable
{
    private readonly Recorder _recorder;
    private readonly HubConnection _connection;
    private readonly ConcurrentDictionary<long, FeedItem> _items = new();
    private readonly SemaphoreSlim _catchingUp = new(1, 1);
    private long _contiguous;
    private DateTimeOffset? _downSince;

    private ChaosDashboard(Dashboard dashboard, Recorder recorder, HubConnection connection)
    {
        Dashboard = dashboard;
        _recorder = recorder;
        _connection = connection;
        connection.On<FeedItem>("feed", item => _ = ReceiveAsync(item));
        connection.Reconnecting += _ =>
        {
            _downSince ??= _recorder.Now;
            return Task.CompletedTask;
        };
        connection.Reconnected += async _ =>
        {
            if (_downSince is { } from)
            {
                _recorder.Add(new Disconnection(Dashboard.Name, from, _recorder.Now));
                _downSince = null;
            }

            await CatchUpAsync(Delivery.Reconnect);
        };
    }

    public Dashboard Dashboard { get; }

    /// <summary>Items received so far, by seq, with their latest state (acknowledgements update them).</summary>
    public IReadOnlyCollection<FeedItem> Items => [.. _items.Values];

    public static async Task<ChaosDashboard> ConnectAsync(string name, Member member, Uri webUrl, Recorder recorder)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(webUrl, "/hubs/dashboard"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(member.Token))
            .AddJsonProtocol(o => CoordinationJson.Configure(o.PayloadSerializerOptions))
            .WithAutomaticReconnect(new Forever())
            .Build();
        var dashboard = new ChaosDashboard(new Dashboard(name, member.AgencyId), recorder, connection);
        await connection.StartAsync();
        // Until now it was not there to be pushed to: what came before arrives by its first catch-up.
        recorder.Add(new Disconnection(name, DateTimeOffset.MinValue, recorder.Now));
        await dashboard.CatchUpAsync(Delivery.Reconnect);
        return dashboard;
    }

    /// <summary>A disconnection still open at the end of the run, if any.</summary>
    public Disconnection? StillAway() => _downSince is { } from ? new Disconnection(Dashboard.Name, from, null) : null;

    private async Task ReceiveAsync(FeedItem item)
    {
        Record(item, Delivery.Live);
        if (item.Seq > Interlocked.Read(ref _contiguous) + 1)
        {
            await CatchUpAsync(Delivery.GapFill);
        }
    }

    private void Record(FeedItem item, Delivery how)
    {
        var now = _recorder.Now;
        if (_items.TryAdd(item.Seq, item))
        {
            _recorder.Add(new Receipt(Dashboard.Name, item.Seq, item.Id, now, how));
        }
        else
        {
            _items[item.Seq] = item;
        }

        lock (_items)
        {
            while (_items.ContainsKey(_contiguous + 1))
            {
                _contiguous++;
            }
        }
    }

    private async Task CatchUpAsync(Delivery how)
    {
        await _catchingUp.WaitAsync();
        try
        {
            // Since answers a page at a time: ask again until nothing more comes.
            while (true)
            {
                var after = Interlocked.Read(ref _contiguous);
                var page = await _connection.InvokeAsync<IReadOnlyList<FeedItem>>("Since", after);
                foreach (var item in page)
                {
                    Record(item, how);
                }

                if (page.Count == 0 || Interlocked.Read(ref _contiguous) == after)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is HubException or InvalidOperationException or TaskCanceledException or IOException)
        {
            // The connection dropped meanwhile: its reconnect catches up again.
        }
        finally
        {
            _catchingUp.Release();
        }
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    /// <summary>Keeps trying every second: a dashboard on a wall does not give up on its web host.</summary>
    private sealed class Forever : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            retryContext.PreviousRetryCount == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(1);
    }
}
