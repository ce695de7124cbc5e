using Coordination.Grains.Committees;
using Coordination.Grains.Feeds;
using Coordination.Grains.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Coordination.ServiceDefaults;

namespace Coordination.Grains.Hosting;

public static class CoordinationGrainsExtensions
{
    /// <summary>Key of the <see cref="TimeProvider"/> every deadline and timestamp of the domain reads.</summary>
    public const string ClockKey = "coordination";

    /// <summary>Registers what the grains need: the database, options, and the domain clock.</summary>
    public static IServiceCollection AddCoordinationGrains(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        services.AddOptions<AckOptions>()
            .Bind(configuration.GetSection(AckOptions.Section))
            .Validate(o => o.Critical > TimeSpan.Zero, Positive(nameof(AckOptions.Critical)))
            .Validate(o => o.Urgent > TimeSpan.Zero, Positive(nameof(AckOptions.Urgent)))
            .Validate(o => o.Routine > TimeSpan.Zero, Positive(nameof(AckOptions.Routine)))
            .Validate(o => o.RepeatEvery > TimeSpan.Zero, Positive(nameof(AckOptions.RepeatEvery)))
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<FeedMetrics>();

        services.AddCommitteeGrains(configuration);
        services.TryAddSingleton(_ => CoordinationDatabase.CreateDataSource(connectionString));
        services.TryAddKeyedSingleton<TimeProvider>(ClockKey, (_, _) => TimeProvider.System);
        return services;
    }

    private static string Positive(string key) =>
        $"{AckOptions.Section}:{key} must be a positive TimeSpan such as 00:15:00 (environment variable {AckOptions.Section.Replace(":", "__")}__{key}).";
}
