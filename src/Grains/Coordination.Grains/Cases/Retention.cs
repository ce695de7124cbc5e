using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Grains.Cases;

/// <summary>How long a case's personal data is kept after it ends (section <c>Coordination:Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Coordination:Retention";

    /// <summary>How long after its closure or withdrawal a case's personal data is erased.</summary>
    public TimeSpan AfterClosed { get; set; } = TimeSpan.FromDays(5 * 365 + 1);

    /// <summary>How often each silo looks for cases past their retention (<see cref="RetentionSweeper"/>).</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Erases the personal data of cases closed or withdrawn longer than <see cref="RetentionOptions.AfterClosed"/>,
/// as the administrator's erasure does (<see cref="ICaseGrain.ErasePersonalData"/>: the timeline says
/// PersonalDataErased, the audit log names the retention rule as the reason). The case row's
/// <c>retention_from</c>, written by the case's own commits, says when each period began.
/// </summary>
public sealed class RetentionSweeper(
    NpgsqlDataSource db,
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    IOptions<RetentionOptions> options,
    ILogger<RetentionSweeper> logger) : PeriodicLook(lifetime, clock, logger)
{
    /// <summary>The account the audit log names for erasures by the retention rule.</summary>
    public static readonly Actor System = new("retention", string.Empty);

    /// <summary>Most cases erased by one look; the next look takes the rest.</summary>
    private const int Batch = 200;

    protected override TimeSpan Every => options.Value.CheckEvery;

    protected override string Purpose => "personal data past its retention";

    protected override Task LookAsync(CancellationToken cancellationToken) => EraseDueAsync(cancellationToken);

    /// <summary>Erases the personal data of every case past its retention now; returns how many cases.</summary>
    public async Task<int> EraseDueAsync(CancellationToken cancellationToken = default)
    {
        var after = options.Value.AfterClosed;
        var due = await CaseStore.PastRetentionAsync(db, Clock.GetUtcNow() - after, Batch, cancellationToken);
        var reason = $"retention: closed or withdrawn longer than {after.TotalDays:0} days ({RetentionOptions.Section}:{nameof(RetentionOptions.AfterClosed)})";
        var erased = 0;
        foreach (var caseId in due)
        {
            try
            {
                await grains.GetGrain<ICaseGrain>(caseId).ErasePersonalData(reason, System);
                erased++;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Could not erase the personal data of case {CaseId} past its retention ({Error}); the next look retries", caseId, ex.GetType().Name);
            }
        }

        if (due.Count > 0)
        {
            logger.LogInformation("Retention: personal data of {Erased} of {Due} cases past {Days} days after closure erased", erased, due.Count, after.TotalDays);
        }

        return erased;
    }
}

public static class RetentionExtensions
{
    public static IServiceCollection AddRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RetentionOptions>()
            .Bind(configuration.GetSection(RetentionOptions.Section))
            .Validate(o => o.AfterClosed >= TimeSpan.FromDays(1),
                $"{RetentionOptions.Section}:{nameof(RetentionOptions.AfterClosed)} must be a TimeSpan of at least one day, such as 1826.00:00:00 (environment variable Coordination__Retention__AfterClosed).")
            .Validate(o => o.CheckEvery > TimeSpan.Zero,
                $"{RetentionOptions.Section}:{nameof(RetentionOptions.CheckEvery)} must be a positive TimeSpan such as 01:00:00 (environment variable Coordination__Retention__CheckEvery).")
            .ValidateOnStart();
        services.TryAddSingleton<RetentionSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionSweeper>());
        return services;
    }
}
