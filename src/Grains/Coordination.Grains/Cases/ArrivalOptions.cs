using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.Grains.Cases;

/// <summary>How long after a journey's scheduled arrival, with neither Arrived nor a delay recorded, the arrival watch raises ArrivalNotConfirmed.</summary>
public sealed class ArrivalOptions
{
    public const string Section = "Coordination:Arrival";

    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(45);
}

public static class ArrivalExtensions
{
    public static IServiceCollection AddArrivalWatch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ArrivalOptions>()
            .Bind(configuration.GetSection(ArrivalOptions.Section))
            .Validate(o => o.Grace > TimeSpan.Zero && o.Grace <= TimeSpan.FromDays(1),
                $"{ArrivalOptions.Section}:{nameof(ArrivalOptions.Grace)} must be a TimeSpan above zero and at most a day, such as 00:45:00 (environment variable Coordination__Arrival__Grace).")
            .ValidateOnStart();
        return services;
    }
}
