using Coordination.Grains.Cases;
using Coordination.Grains.Committees;
using Coordination.Grains.Feeds;
using Coordination.Grains.Notify;
using Coordination.Grains.Observability;
using Coordination.Grains.Statistics;
using Coordination.ServiceDefaults;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coordination.Grains.Hosting;

public static class CoordinationGrainsExtensions
{
    /// <summary>Key of the <see cref="TimeProvider"/> every deadline and timestamp of the domain reads.</summary>
    public const string ClockKey = "coordination";

    /// <summary>The Data Protection application name every silo shares.</summary>
    public const string ApplicationName = "coordination";

    /// <summary>Registers what the grains need: the database, options, and the domain clock.</summary>
    public static IServiceCollection AddCoordinationGrains(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        services.AddOptions<AckOptions>()
            .Bind(configuration.GetSection(AckOptions.Section))
            .Validate(o => o.Critical > TimeSpan.Zero, Positive(nameof(AckOptions.Critical)))
            .Validate(o => o.Urgent > TimeSpan.Zero, Positive(nameof(AckOptions.Urgent)))
            .Validate(o => o.Routine > TimeSpan.Zero, Positive(nameof(AckOptions.Routine)))
            .Validate(o => o.RepeatEvery > TimeSpan.Zero, Positive(nameof(AckOptions.RepeatEvery)))
            .Validate(o => o.SweepEvery > TimeSpan.Zero, Positive(nameof(AckOptions.SweepEvery)))
            .Validate(o => o.SweepGrace >= TimeSpan.Zero,
                $"{AckOptions.Section}:{nameof(AckOptions.SweepGrace)} must be zero or a positive TimeSpan such as 00:00:05 (environment variable {AckOptions.Section.Replace(":", "__")}__{nameof(AckOptions.SweepGrace)}).")
            .Validate(o => o.FailedCheckRetry > TimeSpan.Zero, Positive(nameof(AckOptions.FailedCheckRetry)))
            .Validate(o => o.FailedCheckRetryMax >= o.FailedCheckRetry,
                $"{AckOptions.Section}:{nameof(AckOptions.FailedCheckRetryMax)} must be at least {nameof(AckOptions.FailedCheckRetry)} (environment variable {AckOptions.Section.Replace(":", "__")}__{nameof(AckOptions.FailedCheckRetryMax)}).")
            .ValidateOnStart();
        services.AddOptions<StatisticsOptions>()
            .Bind(configuration.GetSection(StatisticsOptions.Section))
            .Validate(o => o.IsValid,
                $"{StatisticsOptions.Section}:{nameof(StatisticsOptions.MinCell)} must be a whole number from 1 to 1000 (environment variable Coordination__Statistics__MinCell).")
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<FeedMetrics>();
        services.TryAddSingleton<WriteMetrics>();

        services.AddCommitteeGrains(configuration);
        services.AddFollowUps(configuration);
        services.AddRetention(configuration);
        services.AddArrivalWatch(configuration);
        services.AddReferralExpiry(configuration);
        SmtpOptions.Add(services, configuration);
        ChannelOptions.Add(services, configuration);
        NotifyOptions.Add(services, configuration);
        services.TryAddSingleton<EmailSender>();
        services.TryAddSingleton(_ => CoordinationDatabase.CreateDataSource(connectionString));
        AddPersonalDataProtection(services, configuration);
        services.TryAddKeyedSingleton<TimeProvider>(ClockKey, (_, _) => TimeProvider.System);
        services.TryAddSingleton<SiloWrites>();
        services.TryAddSingleton<DeadlineSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<DeadlineSweeper>());
        return services;
    }

    private static string Positive(string key) =>
        $"{AckOptions.Section}:{key} must be a positive TimeSpan such as 00:15:00 (environment variable {AckOptions.Section.Replace(":", "__")}__{key}).";

    /// <summary>
    /// Data Protection for the person's name, passport number and phone in <c>cases.state</c>, and the
    /// secret of the person marks (<see cref="PersonMarkKey"/>). Every silo
    /// must read the same key ring, so the application name is fixed rather than derived from the
    /// install path, and the keys live in the configured directory (created owner-only). Without a
    /// directory Data Protection uses its default location, which suits tests only; the silo host
    /// always sets one.
    /// </summary>
    private static void AddPersonalDataProtection(IServiceCollection services, IConfiguration configuration)
    {
        var protection = services.AddDataProtection().SetApplicationName(ApplicationName);
        var options = configuration.GetSection(PersonalDataOptions.Section).Get<PersonalDataOptions>();
        if (!string.IsNullOrWhiteSpace(options?.KeyDirectory))
        {
            var directory = OperatingSystem.IsWindows()
                ? Directory.CreateDirectory(options.KeyDirectory)
                : Directory.CreateDirectory(options.KeyDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            protection.PersistKeysToFileSystem(directory);
        }

        services.TryAddSingleton<PersonMarkKey>();
        services.TryAddSingleton<CaseStateCodec>();
        services.TryAddSingleton<CaseStateUpgrade>();
        services.AddHostedService(sp => sp.GetRequiredService<CaseStateUpgrade>());
    }
}
