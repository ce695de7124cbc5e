using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Coordination.Contracts.Common;

/// <summary>
/// The one JSON shape of the product (api.md): camelCase, enums as their exact names (<see cref="StrictEnum"/>), ISO-8601 times with their offset (<see cref="Instants"/>).
/// Used on the wire by the web host and for the JSON columns of the database.
/// </summary>
public static class CoordinationJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.Converters.Add(new StrictEnumConverter());
        options.Converters.Add(new InstantConverter());
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }

    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return options;
    }
}
