using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coordination.Grains.Hosting;

/// <summary>
/// A silo's periodic look at the database for cases whose time has come, months or years after it
/// was set (a follow-up due, personal data past its retention): once the silo serves grain calls,
/// then every <see cref="Every"/> on the domain clock. A failed look is logged and retried at the
/// next; what fell due while the cluster was down is found by the first look after it starts. Each
/// look only wakes case grains, which act idempotently, so silos looking at once only repeat a check.
/// </summary>
public abstract class PeriodicLook(IHostApplicationLifetime lifetime, TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>The domain clock the looks run on.</summary>
    protected TimeProvider Clock { get; } = clock;

    /// <summary>How often the silo looks.</summary>
    protected abstract TimeSpan Every { get; }

    /// <summary>What the look is for, in the log.</summary>
    protected abstract string Purpose { get; }

    /// <summary>One look: wakes the cases whose time has come.</summary>
    protected abstract Task LookAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Not before the silo serves grain calls: hosted services start in turn, the silo among them.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken);
            }

            await TryLookAsync(stoppingToken);
            using var timer = new PeriodicTimer(Every, Clock);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TryLookAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private async Task TryLookAsync(CancellationToken stoppingToken)
    {
        try
        {
            await LookAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning("Looking for {Purpose} failed ({Error}); retrying in {Interval}", Purpose, ex.GetType().Name, Every);
        }
    }
}
