using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace Coordination.Grains.Cases;

/// <summary>
/// The secret under which a case row's person mark is computed (<see cref="CaseStateCodec.PersonMarkAsync"/>):
/// 32 random bytes, created once for the whole cluster by the first silo that needs them and kept in
/// <c>protected_secrets</c> only encrypted with the silos' Data Protection key ring. Someone holding a
/// copy of the database without the key ring can therefore neither read the names nor test a list of
/// names against the marks. Read once per silo; a failed read (the database is down) is not
/// remembered, so the next call tries again.
/// </summary>
public sealed class PersonMarkKey(NpgsqlDataSource db, IDataProtectionProvider provider)
{
    public const string Name = "person-mark-v1";
    private const string Purpose = "Coordination.Cases.PersonMark.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    public async ValueTask<byte[]> GetAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _key) is { } known)
        {
            return known;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _key ??= await LoadOrCreateAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<byte[]> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        await using (var create = db.CreateCommand(
            "INSERT INTO protected_secrets (name, protected_value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING"))
        {
            create.Parameters.AddWithValue("name", Name);
            create.Parameters.AddWithValue("value", _protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var read = db.CreateCommand("SELECT protected_value FROM protected_secrets WHERE name = @name");
        read.Parameters.AddWithValue("name", Name);
        var stored = (string)(await read.ExecuteScalarAsync(cancellationToken))!;
        return Convert.FromBase64String(_protector.Unprotect(stored));
    }
}
