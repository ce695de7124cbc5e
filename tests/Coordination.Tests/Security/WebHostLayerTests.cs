using System.Text.RegularExpressions;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Security;

/// <summary>The web host reaches accounts, audit and idempotency through grains: SQL runs on the silo side only.</summary>
public sealed partial class WebHostLayerTests
{
    [Fact]
    public void No_file_under_src_Web_contains_SQL()
    {
        var web = Path.Combine(CoordinationProcesses.RepositoryRoot, "src", "Web");
        var files = Directory.EnumerateFiles(web, "*", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(Path.GetRelativePath(web, path)))
            .ToList();
        var offenders = files
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, line, number: i + 1)))
            .Where(l => Sql().IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(CoordinationProcesses.RepositoryRoot, l.path)}:{l.number}: {l.line.Trim()}")
            .ToList();

        Assert.Contains(files, f => f.EndsWith("Program.cs", StringComparison.Ordinal));
        Assert.Empty(offenders);
    }

    [Theory]
    [InlineData("await using var command = db.CreateCommand(\"SELECT 1 FROM users\");")]
    [InlineData("\"INSERT INTO idempotent_requests (scope) VALUES (@scope)\"")]
    [InlineData("\"UPDATE users SET disabled = true\"")]
    [InlineData("\"DELETE FROM idempotent_requests\"")]
    [InlineData("new NpgsqlCommand(sql, connection)")]
    public void The_check_recognises_SQL(string line) => Assert.Matches(Sql(), line);

    private static bool IsBuildOutput(string relativePath) =>
        relativePath.Split(Path.DirectorySeparatorChar) is [var first, ..] && first is "bin" or "obj";

    [GeneratedRegex("SELECT |INSERT INTO|UPDATE |DELETE FROM|NpgsqlCommand")]
    private static partial Regex Sql();
}
