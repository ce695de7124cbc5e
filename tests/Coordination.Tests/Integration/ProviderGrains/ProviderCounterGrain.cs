namespace Coordination.Tests.Integration.ProviderGrains;

/// <summary>A grain whose only job is to keep state in the ADO.NET grain storage named "coordination".</summary>
public interface IProviderCounterGrain : IGrainWithStringKey
{
    /// <summary>Appends a note, writes the state and returns the new count.</summary>
    Task<int> Add(string note);

    Task<int> GetCount();

    Task<string[]> GetNotes();
}

[GenerateSerializer]
public sealed class ProviderCounterState
{
    [Id(0)]
    public int Count { get; set; }

    [Id(1)]
    public List<string> Notes { get; set; } = [];
}

public sealed class ProviderCounterGrain(
    [PersistentState("counter", ProviderCounterGrain.StorageName)] IPersistentState<ProviderCounterState> state)
    : Grain, IProviderCounterGrain
{
    /// <summary>The ADO.NET grain storage provider the project registers (AddAdoNetGrainStorage("coordination")).</summary>
    public const string StorageName = "coordination";

    public async Task<int> Add(string note)
    {
        state.State.Count++;
        state.State.Notes.Add(note);
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> GetCount() => Task.FromResult(state.State.Count);

    public Task<string[]> GetNotes() => Task.FromResult(state.State.Notes.ToArray());
}
