using System.Net;
using System.Net.Sockets;
using System.Text;
using Coordination.Tests.Infrastructure;
using Coordination.Tests.Integration.ProviderGrains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Xunit.Abstractions;

namespace Coordination.Tests.Integration;

/// <summary>
/// Proves src/Silo/Database/Migrations/0001_orleans.sql through the real Orleans 10 ADO.NET providers:
/// real silos in plain generic hosts (no test membership, no in-memory storage) against a fresh,
/// fully migrated PostgreSQL database per test, with assertions made both through grains and directly
/// on the tables.
/// </summary>
public sealed class OrleansProvidersTests(ITestOutputHelper output)
{
    private const string Invariant = "Npgsql";
    private const int SiloStatusActive = 3;
    private const int SiloStatusDead = 6;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Silo_is_listed_active_in_the_membership_table_heartbeats_there_and_clients_connect_through_that_gateway_list()
    {
        var cluster = await ProviderCluster.CreateAsync();
        await using var silo = await StartSiloAsync(cluster);

        var row = Assert.Single(await ReadMembershipAsync(cluster));
        Assert.Equal("127.0.0.1", row.Address);
        Assert.Equal(silo.SiloPort, row.Port);
        Assert.Equal(silo.GatewayPort, row.ProxyPort);
        Assert.Equal(SiloStatusActive, row.Status);

        // UpdateIAmAlivetimeKey: the heartbeat moves IAmAliveTime forward in the table.
        await EventuallyAsync(
            "IAmAliveTime to advance past the value first read",
            async () => (await ReadMembershipAsync(cluster)).Single(r => r.Port == silo.SiloPort).IAmAliveTime,
            alive => alive > row.IAmAliveTime);

        // The client is configured with ADO.NET clustering only: its gateways come from GatewaysQueryKey.
        await using var client = await StartClientAsync(cluster);
        var counter = client.Client.GetGrain<IProviderCounterGrain>("membership-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(1, await counter.Add("reached through the table's gateway list"));
    }

    [Fact]
    public async Task Stopped_silo_is_marked_dead_in_the_membership_table_and_its_row_is_cleaned_up_by_the_next_silo()
    {
        var cluster = await ProviderCluster.CreateAsync();

        int firstPort;
        await using (var first = await StartSiloAsync(cluster))
        {
            firstPort = first.SiloPort;
        }

        // UpdateMembershipKey on graceful shutdown: the same row, now Dead.
        var afterStop = await EventuallyAsync(
            "the stopped silo's row to be marked Dead",
            () => ReadMembershipAsync(cluster),
            rows => rows.Any(r => r.Port == firstPort && r.Status == SiloStatusDead));
        Assert.Single(afterStop);

        // CleanupDefunctSiloEntryKey: a silo that treats every dead row as expired deletes it. The provider
        // only logs (never throws) when this query fails, so the row disappearing is the only evidence.
        await using var next = await StartSiloAsync(cluster, membership =>
        {
            membership.DefunctSiloExpiration = TimeSpan.FromMilliseconds(1);
            membership.DefunctSiloMinimumRetention = TimeSpan.FromMilliseconds(1);
            membership.DefunctSiloCleanupPeriod = TimeSpan.FromSeconds(1);
        });
        var remaining = await EventuallyAsync(
            "the dead silo's row to be deleted",
            () => ReadMembershipAsync(cluster),
            rows => rows.All(r => r.Port != firstPort));
        var active = Assert.Single(remaining);
        Assert.Equal(next.SiloPort, active.Port);
        Assert.Equal(SiloStatusActive, active.Status);
    }

    [Fact]
    public async Task Grain_state_written_through_AdoNet_storage_survives_a_full_silo_restart()
    {
        var cluster = await ProviderCluster.CreateAsync();
        var grainKey = "restart-" + Guid.NewGuid().ToString("N");

        await using (await StartSiloAsync(cluster))
        await using (var client = await StartClientAsync(cluster))
        {
            var counter = client.Client.GetGrain<IProviderCounterGrain>(grainKey);
            Assert.Equal(1, await counter.Add("first note"));

            // First write: an insert with version 1.
            var inserted = Assert.Single(await ReadStorageAsync(cluster));
            Assert.Equal(1, inserted.Version);
            Assert.Contains("first note", inserted.Payload, StringComparison.Ordinal);

            // Second write: a version-checked update.
            Assert.Equal(2, await counter.Add("second note"));
        }

        // Both hosts are stopped: nothing of the grain is left in memory. The state is in the table.
        var stored = Assert.Single(await ReadStorageAsync(cluster));
        Assert.Equal(2, stored.Version);
        Assert.Contains("second note", stored.Payload, StringComparison.Ordinal);

        await using (await StartSiloAsync(cluster))
        await using (var client = await StartClientAsync(cluster))
        {
            var counter = client.Client.GetGrain<IProviderCounterGrain>(grainKey);
            Assert.Equal(2, await counter.GetCount());
            Assert.Equal(["first note", "second note"], await counter.GetNotes());

            // The etag read back from the table is accepted for the next optimistic write.
            Assert.Equal(3, await counter.Add("third note"));
        }

        var afterSecondRun = Assert.Single(await ReadStorageAsync(cluster));
        Assert.Equal(3, afterSecondRun.Version);
        Assert.Contains("third note", afterSecondRun.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reminder_registered_by_a_grain_is_stored_in_the_reminders_table_fires_fires_again_on_a_restarted_silo_and_is_deleted_on_unregister()
    {
        var cluster = await ProviderCluster.CreateAsync();
        var grainKey = "reminder-" + Guid.NewGuid().ToString("N");

        await using (await StartSiloAsync(cluster))
        await using (var client = await StartClientAsync(cluster))
        {
            var grain = client.Client.GetGrain<IProviderReminderGrain>(grainKey);
            await grain.Start(dueTime: TimeSpan.FromSeconds(1), period: TimeSpan.FromSeconds(1));

            var row = Assert.Single(await ReadRemindersAsync(cluster));
            Assert.Equal(ProviderReminderGrain.ReminderName, row.ReminderName);
            Assert.Contains(grainKey, row.GrainId, StringComparison.Ordinal);
            Assert.Equal(1000, row.PeriodMilliseconds);

            await EventuallyAsync(
                "the grain to observe a reminder tick",
                () => grain.GetTicksSeenByThisActivation(),
                ticks => ticks >= 1);
        }

        // A new silo process knows the reminder only through the table (ReadRangeRows*Key); a tick on the
        // fresh activation there proves the stored row is read back and scheduled.
        await using (await StartSiloAsync(cluster))
        await using (var client = await StartClientAsync(cluster))
        {
            var grain = client.Client.GetGrain<IProviderReminderGrain>(grainKey);
            await EventuallyAsync(
                "the reminder to fire on the restarted silo",
                () => grain.GetTicksSeenByThisActivation(),
                ticks => ticks >= 1);

            // ReadReminderRowKey finds it, DeleteReminderRowKey removes it with the stored etag.
            Assert.True(await grain.Stop());
            Assert.Empty(await ReadRemindersAsync(cluster));
        }
    }

    private async Task<RunningHost> StartSiloAsync(ProviderCluster cluster, Action<ClusterMembershipOptions>? membership = null)
    {
        var siloPort = FreeTcpPort();
        var gatewayPort = FreeTcpPort();
        var builder = CreateHostBuilder();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
            silo.UseAdoNetClustering(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = cluster.ConnectionString;
            });
            silo.AddAdoNetGrainStorage(ProviderCounterGrain.StorageName, options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = cluster.ConnectionString;
            });
            silo.UseAdoNetReminderService(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = cluster.ConnectionString;
            });
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
                membership?.Invoke(options);
            });
        });

        return await RunningHost.StartAsync(builder.Build(), siloPort, gatewayPort);
    }

    private async Task<RunningClient> StartClientAsync(ProviderCluster cluster)
    {
        var builder = CreateHostBuilder();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = cluster.ConnectionString;
            });
        });

        var host = builder.Build();
        using (var timeout = new CancellationTokenSource(Patience))
        {
            try
            {
                await host.StartAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                host.Dispose();
                Assert.Fail($"The client found no reachable gateway in OrleansMembershipTable within {Patience.TotalSeconds}s.");
            }
        }

        return new RunningClient(host);
    }

    private HostApplicationBuilder CreateHostBuilder()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddProvider(new TestOutputLoggerProvider(output));
        return builder;
    }

    private static async Task<T> EventuallyAsync<T>(string what, Func<Task<T>> probe, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        var last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {Patience.TotalSeconds}s waiting for {what}; last observed: {last}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
            last = await probe();
        }

        return last;
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<List<MembershipRow>> ReadMembershipAsync(ProviderCluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT Address, Port, Generation, Status, ProxyPort, IAmAliveTime
            FROM OrleansMembershipTable WHERE DeploymentId = @cluster
            """,
            connection);
        command.Parameters.AddWithValue("cluster", cluster.ClusterId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<MembershipRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new MembershipRow(
                reader.GetString(0),
                reader.GetInt32(1),
                reader.GetInt32(2),
                reader.GetInt32(3),
                reader.GetInt32(4),
                reader.GetFieldValue<DateTime>(5)));
        }

        return rows;
    }

    private static async Task<List<StorageRow>> ReadStorageAsync(ProviderCluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT Version, PayloadBinary FROM OrleansStorage WHERE ServiceId = @service", connection);
        command.Parameters.AddWithValue("service", cluster.ServiceId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StorageRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new StorageRow(reader.GetInt32(0), Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(1))));
        }

        return rows;
    }

    private static async Task<List<ReminderRow>> ReadRemindersAsync(ProviderCluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT GrainId, ReminderName, Period FROM OrleansRemindersTable WHERE ServiceId = @service", connection);
        command.Parameters.AddWithValue("service", cluster.ServiceId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<ReminderRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new ReminderRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return rows;
    }

    private sealed record ProviderCluster(string ConnectionString, string ClusterId, string ServiceId)
    {
        public static async Task<ProviderCluster> CreateAsync()
        {
            var suffix = Guid.NewGuid().ToString("N")[..8];
            return new ProviderCluster(
                await TestDatabase.CreateMigratedAsync("providers"),
                "providers-cluster-" + suffix,
                "providers-service-" + suffix);
        }
    }

    private sealed record MembershipRow(string Address, int Port, int Generation, int Status, int ProxyPort, DateTime IAmAliveTime);

    private sealed record StorageRow(int Version, string Payload);

    private sealed record ReminderRow(string GrainId, string ReminderName, long PeriodMilliseconds);

    /// <summary>A started silo host; disposing it stops the silo gracefully.</summary>
    private sealed class RunningHost(IHost host, int siloPort, int gatewayPort) : IAsyncDisposable
    {
        public int SiloPort { get; } = siloPort;

        public int GatewayPort { get; } = gatewayPort;

        public static async Task<RunningHost> StartAsync(IHost host, int siloPort, int gatewayPort)
        {
            using var timeout = new CancellationTokenSource(Patience);
            try
            {
                await host.StartAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                host.Dispose();
                Assert.Fail($"The silo did not become active within {Patience.TotalSeconds}s.");
            }

            return new RunningHost(host, siloPort, gatewayPort);
        }

        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            await host.StopAsync(timeout.Token);
            host.Dispose();
        }
    }

    private sealed class RunningClient(IHost host) : IAsyncDisposable
    {
        public IClusterClient Client { get; } = host.Services.GetRequiredService<IClusterClient>();

        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            await host.StopAsync(timeout.Token);
            host.Dispose();
        }
    }

    /// <summary>Forwards warnings and errors from the silo and client to the test output.</summary>
    private sealed class TestOutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new TestOutputLogger(output, categoryName);

        public void Dispose()
        {
        }

        private sealed class TestOutputLogger(ITestOutputHelper output, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel))
                {
                    return;
                }

                try
                {
                    output.WriteLine($"[{logLevel}] {category}: {formatter(state, exception)}{(exception is null ? string.Empty : Environment.NewLine + exception)}");
                }
                catch (InvalidOperationException)
                {
                    // Background logging after the test has finished has nowhere to go.
                }
            }
        }
    }
}
