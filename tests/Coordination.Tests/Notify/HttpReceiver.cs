using System.Collections.Concurrent;
using System.Net;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Notify;

/// <summary>One request as a receiver got it: the body and every header.</summary>
public sealed record ReceivedRequest(byte[] Body, IReadOnlyDictionary<string, string?> Headers);

/// <summary>
/// A real HTTP server on a loopback port (a webhook gateway, a push service) that records every
/// request and answers each with the next of its statuses (the last one from then on).
/// </summary>
public sealed class HttpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Queue<HttpStatusCode> _answers;
    private readonly Task _serving;

    private HttpReceiver(HttpStatusCode[] answers)
    {
        _answers = new Queue<HttpStatusCode>(answers);
        Url = $"http://127.0.0.1:{CoordinationProcesses.FreePort()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Url { get; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public static HttpReceiver Start(params HttpStatusCode[] answers) => new(answers);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.OfType<string>().ToDictionary(k => k, k => context.Request.Headers[k], StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue(new ReceivedRequest(body.ToArray(), headers));
            context.Response.StatusCode = (int)(_answers.Count > 1 ? _answers.Dequeue() : _answers.Peek());
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
