using Microsoft.Extensions.Options;

namespace Coordination.Web.Hosting;

/// <summary>
/// One time limit for all the grain calls of one HTTP request. Each call alone is bounded by Orleans'
/// response timeout, but a request makes up to four (its account's standing, its Idempotency-Key's
/// claim, the command, the key's completion), and while a frozen silo's gateway is not yet declared
/// dead every one of them can wait that whole timeout. The budget bounds the request instead: a call
/// still unanswered when it is spent fails with a <see cref="TimeoutException"/>, which the problem
/// handler answers 503, as it does Orleans' own timeout (the outcome of a command cut short is then
/// unknown, as it is after that timeout, and its Idempotency-Key tells a retry what happened).
/// </summary>
public sealed class RequestBudget(TimeProvider time, IOptions<WebHostOptions> options) : IOutgoingGrainCallFilter
{
    /// <summary>
    /// A call made once the budget is spent still gets this long, so a spent request can still
    /// release or complete its Idempotency-Key rather than leave it leased.
    /// </summary>
    internal static readonly TimeSpan LastCall = TimeSpan.FromSeconds(1);

    private static readonly AsyncLocal<long?> Deadline = new();

    /// <summary>
    /// Starts the budget of a plain HTTP request. A dashboard's connection is not one: its hub
    /// calls run for as long as the connection lives and keep Orleans' per-call timeout.
    /// </summary>
    public static IApplicationBuilder UseRequestBudget(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.WebSockets.IsWebSocketRequest || context.Request.Path.StartsWithSegments("/hubs"))
        {
            await next(context);
            return;
        }

        context.RequestServices.GetRequiredService<RequestBudget>().Start();
        await next(context);
    });

    private void Start() =>
        Deadline.Value = time.GetTimestamp() + (long)(options.Value.RequestBudget.TotalSeconds * time.TimestampFrequency);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (Deadline.Value is not { } deadline)
        {
            await context.Invoke();
            return;
        }

        var left = time.GetElapsedTime(time.GetTimestamp(), deadline);
        var call = context.Invoke();
        try
        {
            await call.WaitAsync(left > LastCall ? left : LastCall, time);
        }
        catch (TimeoutException) when (!call.IsCompleted)
        {
            // The call goes on without a listener: observe its end so a late failure is not left unobserved.
            _ = call.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            throw new TimeoutException($"The request's grain calls took longer than its {options.Value.RequestBudget.TotalSeconds:0.#} s budget.");
        }
    }
}
