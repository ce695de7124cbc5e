using System.Text.Json;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Agencies;

/// <summary>
/// The registry of agencies: loaded from the <c>agencies</c> table by the first call of each
/// activation and kept in memory, because referral routing reads it on every flag.
/// </summary>
public sealed class AgencyDirectoryGrain(NpgsqlDataSource db, ILogger<AgencyDirectoryGrain> logger) : Grain, IAgencyDirectoryGrain, IIncomingGrainCallFilter
{
    private readonly Dictionary<string, Agency> _agencies = new(StringComparer.Ordinal);
    private bool _loaded;

    // Routing reads the whole list on every flag: sort it once per change, not once per read.
    private IReadOnlyList<Agency>? _sorted;

    /// <summary>
    /// Loads inside the call rather than in OnActivateAsync: a failed activation answers every call
    /// for seconds with an exception that is not the database-unavailable 503 (and Npgsql's exceptions
    /// do not serialise), while a failed call leaves the activation in place to load on the next one.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (!_loaded)
        {
            await using var command = db.CreateCommand("SELECT data FROM agencies ORDER BY id");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var agency = JsonSerializer.Deserialize<Agency>(reader.GetString(0), CoordinationJson.Options)!;
                _agencies[agency.Id] = agency;
            }

            _loaded = true;
        }

        await context.Invoke();
    }

    public async Task<Agency> Create(Agency agency)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO agencies (id, data) VALUES (@id, @data) ON CONFLICT (id) DO NOTHING");
        command.Parameters.AddWithValue("id", agency.Id);
        command.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(agency, CoordinationJson.Options));
        if (await command.ExecuteNonQueryAsync() == 0)
        {
            throw DomainException.Conflict($"An agency with id '{agency.Id}' already exists.");
        }

        _agencies[agency.Id] = agency;
        _sorted = null;
        logger.LogInformation("Agency {AgencyId} ({Kind}, {Country}) registered", agency.Id, agency.Kind, agency.Country);
        return agency;
    }

    public Task<Agency?> Get(string agencyId) =>
        Task.FromResult(_agencies.GetValueOrDefault(agencyId));

    public Task<IReadOnlyList<Agency>> List() =>
        Task.FromResult(_sorted ??= _agencies.Values.OrderBy(a => a.Id, StringComparer.Ordinal).ToList());
}
