using Coordination.Grains.Committees;
using Coordination.Grains.Feeds;
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
            .Validate(o => o.Critical > TimeSpan.Zero && o.Urgent > TimeSpan.Zero && o.Routine > TimeSpan.Zero && o.RepeatEvery > TimeSpan.Zero,
                "Acknowledgement deadlines and the repeat interval must be positive.")
            .ValidateOnStart();

        services.AddCommitteeGrains(configuration);
        services.TryAddSingleton(_ => CoordinationDatabase.CreateDataSource(connectionString));
        services.TryAddKeyedSingleton<TimeProvider>(ClockKey, (_, _) => TimeProvider.System);
        return services;
    }
}
