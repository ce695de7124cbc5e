using System.Threading.Channels;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.Tests.Infrastructure;

/// <summary>A real SignalR dashboard connection: collects every pushed feed item.</summary>
public sealed class DashboardClient : IAsyncDisposable
{
    private readonly Channel<FeedItem> _received = Channel.CreateUnbounded<FeedItem>();

    private DashboardClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<FeedItem>("feed", item => _received.Writer.TryWrite(item));
    }

    public HubConnection Connection { get; }

    public static async Task<DashboardClient> ConnectAsync(Uri webUrl, string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(webUrl, "/hubs/dashboard"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .AddJsonProtocol(o => CoordinationJson.Configure(o.PayloadSerializerOptions))
            .Build();
        var client = new DashboardClient(connection);
        await connection.StartAsync();
        return client;
    }

    /// <summary>Waits for the first pushed item that matches, skipping others; fails after the timeout.</summary>
    public async Task<FeedItem> WaitForAsync(Func<FeedItem, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
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
