using Npgsql;

namespace Coordination.Grains.Hosting;

/// <summary>
/// A change written as one batch with no explicit transaction: PostgreSQL runs a batch's statements
/// in one implicit transaction that commits when the batch ends, so the change costs one round trip
/// where BEGIN … COMMIT costs two (the COMMIT on its own). What the change depends on is a statement
/// of the batch that fails it (<see cref="Require"/>, the function <c>coordination_require</c>).
/// </summary>
public static class OneRoundTrip
{
    /// <summary>The SQLSTATE of a condition that failed a batch; its message names the condition.</summary>
    public const string ConditionFailed = "CO409";

    /// <summary>
    /// <paramref name="modifyingSql"/> (an INSERT, UPDATE or DELETE, without RETURNING) as a statement
    /// that fails the batch with <paramref name="condition"/> when it changes no row.
    /// </summary>
    public static NpgsqlBatchCommand Require(string modifyingSql, string condition) =>
        new($"WITH changed AS ({modifyingSql} RETURNING 1) SELECT coordination_require(EXISTS (SELECT 1 FROM changed), '{condition}')");

    /// <summary>Whether <paramref name="ex"/> is the failure of <paramref name="condition"/>.</summary>
    public static bool Failed(this PostgresException ex, string condition) => ex.SqlState == ConditionFailed && ex.MessageText == condition;

    /// <summary>
    /// Runs a change's batch. Once it is sent, a lost connection leaves its outcome unknown (the
    /// implicit COMMIT may have happened): that is <see cref="CommitOutcomeUnknownException"/>. A
    /// refusal by the server (<see cref="PostgresException"/>) rolled the whole batch back, and passes through.
    /// </summary>
    public static async Task<NpgsqlDataReader> ExecuteReaderOrUnknownAsync(this NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            return await batch.ExecuteReaderAsync(cancellationToken);
        }
        catch (Exception ex) when (IsLostConnection(ex))
        {
            throw new CommitOutcomeUnknownException(ex);
        }
    }

    /// <inheritdoc cref="ExecuteReaderOrUnknownAsync"/>
    public static async Task ExecuteOrUnknownAsync(this NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (IsLostConnection(ex))
        {
            throw new CommitOutcomeUnknownException(ex);
        }
    }

    internal static bool IsLostConnection(Exception ex) => ex is NpgsqlException and not PostgresException or TimeoutException or IOException;
}
