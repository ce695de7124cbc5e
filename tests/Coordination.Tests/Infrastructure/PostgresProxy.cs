using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Coordination.Tests.Infrastructure;

/// <summary>
/// A TCP proxy in front of the test PostgreSQL that injects the network faults a real deployment
/// meets: it can refuse every connection (the database is unreachable) or let one transaction's
/// commit through and cut the connection before its answer comes back (the commit happened, the
/// client cannot know). The commit is an explicit COMMIT, or the Sync that ends a batch sent outside
/// an explicit transaction (PostgreSQL commits such a batch as one implicit transaction). It reads the frontend protocol message by message, so it recognises a
/// statement whether it is sent as a simple query, parsed, or bound to a statement prepared earlier.
/// </summary>
public sealed class PostgresProxy : IAsyncDisposable
{
    private const int SslRequestCode = 80877103;
    private const int GssEncRequestCode = 80877104;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Link> _links = [];
    private volatile bool _refusing;
    private DroppedCommit? _armed;

    private PostgresProxy(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var host = settings.Host is null or "localhost" ? IPAddress.Loopback : IPAddress.Parse(settings.Host);
        _target = new IPEndPoint(host, settings.Port);
        _listener.Start();
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        // Plain text, so the proxy can read the messages; the test server runs without TLS anyway.
        ConnectionString = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Host = "127.0.0.1",
            Port = port,
            SslMode = SslMode.Disable,
            GssEncryptionMode = GssEncryptionMode.Disable,
        }.ConnectionString;
        _ = AcceptAsync();
    }

    /// <summary>The same database, reached through the proxy.</summary>
    public string ConnectionString { get; }

    public static PostgresProxy Start(string connectionString) => new(connectionString);

    /// <summary>While refusing, new connections are closed at once and open ones are cut.</summary>
    public void Refuse(bool refusing)
    {
        _refusing = refusing;
        if (refusing)
        {
            lock (_links)
            {
                foreach (var link in _links)
                {
                    link.Cut();
                }
            }
        }
    }

    /// <summary>
    /// Arms a fault for the next transaction that runs a statement containing <paramref name="statementText"/>:
    /// its commit (COMMIT, or the Sync of an implicit transaction) reaches PostgreSQL, PostgreSQL's answer
    /// is read and thrown away, and the client's connection is cut. The task completes once that answer
    /// arrived, so the commit has happened.
    /// </summary>
    public Task DropCommitAnswerOfNextTransactionWith(string statementText)
    {
        var armed = new DroppedCommit(statementText);
        if (Interlocked.CompareExchange(ref _armed, armed, null) is not null)
        {
            throw new InvalidOperationException("A commit fault is already armed.");
        }

        return armed.Dropped.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        lock (_links)
        {
            foreach (var link in _links)
            {
                link.Cut();
            }
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_refusing)
            {
                client.Close();
                continue;
            }

            _ = RunAsync(client);
        }
    }

    private async Task RunAsync(Socket client)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_target, _stopping.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            client.Close();
            server.Close();
            return;
        }

        var link = new Link(client, server);
        lock (_links)
        {
            _links.Add(link);
        }

        try
        {
            await Task.WhenAll(FrontendAsync(link), BackendAsync(link));
        }
        finally
        {
            link.Cut();
            lock (_links)
            {
                _links.Remove(link);
            }
        }
    }

    /// <summary>Client to server, one protocol message at a time.</summary>
    private async Task FrontendAsync(Link link)
    {
        var from = new NetworkStream(link.Client, ownsSocket: false);
        var to = new NetworkStream(link.Server, ownsSocket: false);
        var statements = new Dictionary<string, string>(StringComparer.Ordinal);
        var startup = true;
        var header = new byte[5];
        try
        {
            while (true)
            {
                byte type;
                int length;
                if (startup)
                {
                    // Startup-phase messages have no type byte, only a length.
                    await from.ReadExactlyAsync(header.AsMemory(0, 4));
                    type = 0;
                    length = BinaryPrimitives.ReadInt32BigEndian(header) - 4;
                }
                else
                {
                    await from.ReadExactlyAsync(header);
                    type = header[0];
                    length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4;
                }

                var body = new byte[length];
                await from.ReadExactlyAsync(body);
                if (startup)
                {
                    var code = length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(body) : 0;
                    startup = code is SslRequestCode or GssEncRequestCode;
                }
                else
                {
                    Inspect(link, type, body, statements);
                }

                await to.WriteAsync(header.AsMemory(0, type == 0 ? 4 : 5));
                await to.WriteAsync(body);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or EndOfStreamException)
        {
            link.Cut();
        }
    }

    /// <summary>Server to client, as it comes, unless the answer to an armed COMMIT is due.</summary>
    private static async Task BackendAsync(Link link)
    {
        var from = new NetworkStream(link.Server, ownsSocket: false);
        var to = new NetworkStream(link.Client, ownsSocket: false);
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                if (link.DroppingCommit is { } dropped)
                {
                    // The answer to the commit is thrown away up to its end, ReadyForQuery ('Z', length 5,
                    // status), which PostgreSQL sends once it has committed.
                    if (read >= 6 && buffer[read - 6] == (byte)'Z' && BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(read - 5)) == 5)
                    {
                        link.Cut();
                        dropped.Dropped.TrySetResult();
                        return;
                    }

                    continue;
                }

                await to.WriteAsync(buffer.AsMemory(0, read));
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // cut
        }

        link.Cut();
    }

    private void Inspect(Link link, byte type, byte[] body, Dictionary<string, string> statements)
    {
        string? sql = null;
        switch ((char)type)
        {
            case 'Q':
                sql = CString(body, 0, out _);
                break;
            case 'P':
                var name = CString(body, 0, out var next);
                sql = CString(body, next, out _);
                statements[name] = sql;
                break;
            case 'B':
                CString(body, 0, out var afterPortal);
                statements.TryGetValue(CString(body, afterPortal, out _), out sql);
                break;
            case 'S':
                // The end of a batch: outside an explicit transaction, its commit.
                var marked = Volatile.Read(ref _armed);
                if (marked is not null && link.Marked == marked && !link.InTransaction
                    && Interlocked.CompareExchange(ref _armed, null, marked) == marked)
                {
                    link.DroppingCommit = marked;
                }

                return;
        }

        if (sql?.TrimStart() is { } text)
        {
            if (text.StartsWith("BEGIN", StringComparison.OrdinalIgnoreCase))
            {
                link.InTransaction = true;
            }
            else if (text.StartsWith("COMMIT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("ROLLBACK", StringComparison.OrdinalIgnoreCase))
            {
                link.InTransaction = false;
            }
        }

        var armed = Volatile.Read(ref _armed);
        if (sql is null || armed is null)
        {
            return;
        }

        if (sql.Contains(armed.StatementText, StringComparison.Ordinal))
        {
            link.Marked = armed;
        }
        else if (link.Marked == armed && sql.TrimStart().StartsWith("COMMIT", StringComparison.OrdinalIgnoreCase)
            && Interlocked.CompareExchange(ref _armed, null, armed) == armed)
        {
            link.DroppingCommit = armed;
        }
    }

    private static string CString(byte[] body, int start, out int next)
    {
        var end = Array.IndexOf(body, (byte)0, start);
        if (end < 0)
        {
            end = body.Length;
        }

        next = end + 1;
        return Encoding.UTF8.GetString(body, start, end - start);
    }

    private sealed class DroppedCommit(string statementText)
    {
        public string StatementText { get; } = statementText;

        public TaskCompletionSource Dropped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Link(Socket client, Socket server)
    {
        public Socket Client { get; } = client;

        public Socket Server { get; } = server;

        public DroppedCommit? Marked { get; set; }

        /// <summary>Whether the client opened an explicit transaction (BEGIN) not yet ended.</summary>
        public bool InTransaction { get; set; }

        public volatile DroppedCommit? DroppingCommit;

        public void Cut()
        {
            Close(Client);
            Close(Server);
        }

        private static void Close(Socket socket)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // already gone
            }

            socket.Close();
        }
    }
}
