using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Storage;

namespace Coordination.Grains.Hosting;

/// <summary>
/// Wraps a grain storage provider so that its database failures reach callers as
/// <see cref="DatabaseFailures"/> says: a grain whose state Orleans loads while PostgreSQL is down
/// fails to activate before any grain call filter runs, and the caller would otherwise receive
/// Npgsql's exception, which has no codec (a 500 instead of a 503). Orleans' own storage exceptions
/// (an etag conflict) pass unchanged. A failure that shows the database went away also empties the
/// provider's connection pool, whose idle connections died with it; a read (safe to repeat) is then
/// tried once more on a fresh connection, so the first activation after PostgreSQL returns does not
/// fail on a connection cut while it sat in the pool.
/// </summary>
public sealed class DatabaseFailureTranslatingStorage(IGrainStorage inner, string name, string connectionString, ILogger<DatabaseFailureTranslatingStorage> logger)
    : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var retried = false;
        while (true)
        {
            try
            {
                await inner.ReadStateAsync(stateName, grainId, grainState);
                return;
            }
            catch (Exception ex) when (!retried && DatabaseFailures.IsUnavailable(ex))
            {
                ClearPool();
                retried = true;
            }
            catch (Exception ex) when (DatabaseFailures.Translate(ex) is { } translated)
            {
                throw Failed(ex, translated, "read", grainId);
            }
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Translated(inner.WriteStateAsync(stateName, grainId, grainState), "write", grainId);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Translated(inner.ClearStateAsync(stateName, grainId, grainState), "clear", grainId);

    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private async Task Translated(Task operation, string what, GrainId grainId)
    {
        try
        {
            await operation;
        }
        catch (Exception ex) when (DatabaseFailures.Translate(ex) is { } translated)
        {
            throw Failed(ex, translated, what, grainId);
        }
    }

    private Exception Failed(Exception ex, Exception translated, string what, GrainId grainId)
    {
        if (DatabaseFailures.IsUnavailable(ex))
        {
            ClearPool();
        }

        logger.LogWarning("Grain storage {Storage} could not {Operation} the state of {Grain} ({Error})", name, what, grainId, ex.GetType().Name);
        return translated;
    }

    private void ClearPool()
    {
        using var connection = new NpgsqlConnection(connectionString);
        NpgsqlConnection.ClearPool(connection);
    }
}

public static class DatabaseFailureTranslatingStorageExtensions
{
    /// <summary>
    /// Decorates the grain storage registered under <paramref name="name"/> (call after registering it),
    /// which reaches PostgreSQL with <paramref name="connectionString"/>,
    /// with <see cref="DatabaseFailureTranslatingStorage"/>; the provider's lifecycle participation,
    /// which Orleans resolves through the same keyed service, is forwarded.
    /// </summary>
    public static IServiceCollection TranslateDatabaseFailuresOfGrainStorage(this IServiceCollection services, string name, string connectionString)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name))
            ?? throw new InvalidOperationException($"No grain storage named '{name}' is registered yet.");
        if (registered.KeyedImplementationFactory is not { } factory)
        {
            throw new InvalidOperationException($"The grain storage named '{name}' is not registered through a factory.");
        }

        services.Remove(registered);
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => new DatabaseFailureTranslatingStorage(
            (IGrainStorage)factory(sp, key), name, connectionString, sp.GetRequiredService<ILogger<DatabaseFailureTranslatingStorage>>()));
        return services;
    }
}
