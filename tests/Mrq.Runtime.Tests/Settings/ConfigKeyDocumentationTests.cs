using Mrq.Configuration;
using Mrq.Tests.Support;

namespace Mrq.Tests.Settings;

/// <summary>docs/configuration.md lists exactly the keys of <see cref="ConfigKeys"/>, the one place they are declared.</summary>
public sealed class ConfigKeyDocumentationTests
{
    private static readonly string[] s_page = File.ReadAllLines(Path.Combine(SamplePaths.RepositoryRoot, "docs", "configuration.md"));

    [Fact]
    public void Every_setting_has_a_row_with_its_aliases_and_the_page_lists_no_other()
    {
        var rows = Rows("## Settings");
        foreach (var key in ConfigKeys.All)
        {
            Assert.True(rows.ContainsKey(key.Name), $"docs/configuration.md has no row for `{key.Name}`");
            foreach (var alias in key.Aliases)
            {
                var flag = (alias.Length == 1 ? "-" : "--") + alias;
                Assert.True(rows[key.Name].Contains($"`{flag}`", StringComparison.Ordinal), $"the row of `{key.Name}` does not name its alias `{flag}`");
            }
        }

        Assert.Empty(rows.Keys.Except(ConfigKeys.All.Select(static k => k.Name)));
    }

    [Fact]
    public void Every_section_has_a_row_and_the_tasks_row_names_every_task_option()
    {
        var rows = Rows("## Sections of the config file");
        Assert.Equal(ConfigKeys.Sections.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var option in TaskOption.All)
        {
            Assert.Contains($"`{option.ConfigKey}`", rows["TASKS"], StringComparison.Ordinal);
        }
    }

    // The table rows under a heading, by the name in their first cell: "| `name` | ...".
    private static Dictionary<string, string> Rows(string heading)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in s_page.SkipWhile(l => l != heading).Skip(1).TakeWhile(static l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            if (line.StartsWith("| `", StringComparison.Ordinal))
            {
                var name = line[3..line.IndexOf('`', 3)];
                Assert.True(rows.TryAdd(name, line), $"docs/configuration.md lists `{name}` twice");
            }
        }

        Assert.NotEmpty(rows);
        return rows;
    }
}
