using YamlDotNet.RepresentationModel;

namespace Coordination.Tests.Operations;

/// <summary>Reading YAML manifests: every document of a file, and paths into them.</summary>
public static class Yaml
{
    private const string MergeKey = "<<";

    /// <summary>Every non-empty document of the file, each a mapping (as compose and Kubernetes files are).</summary>
    public static IReadOnlyList<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return stream.Documents
            .Where(d => d.RootNode is not YamlScalarNode { Value: null or "" })
            .Select(d => Assert.IsType<YamlMappingNode>(d.RootNode))
            .ToList();
    }

    /// <summary>The node at the path of mapping keys, or null.</summary>
    public static YamlNode? At(this YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out current))
            {
                return null;
            }
        }

        return current;
    }

    public static string? Text(this YamlNode node, params string[] path) => (node.At(path) as YamlScalarNode)?.Value;

    public static IReadOnlyList<YamlNode> Items(this YamlNode node, params string[] path) =>
        node.At(path) is YamlSequenceNode sequence ? sequence.Children.ToList() : [];

    /// <summary>
    /// A mapping's entries with YAML merge keys (<c>&lt;&lt;: *anchor</c>) applied, as compose reads
    /// them: the mapping's own keys win over merged ones.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Entries(this YamlNode? node)
    {
        var entries = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (node is not YamlMappingNode mapping)
        {
            return entries;
        }

        if (mapping.Children.TryGetValue(new YamlScalarNode(MergeKey), out var merged))
        {
            var sources = merged is YamlSequenceNode many ? many.Children : [merged];
            foreach (var (key, value) in sources.SelectMany(s => s.Entries()))
            {
                entries[key] = value;
            }
        }

        foreach (var (key, value) in mapping.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (name != MergeKey)
            {
                entries[name] = (value as YamlScalarNode)?.Value;
            }
        }

        return entries;
    }
}
