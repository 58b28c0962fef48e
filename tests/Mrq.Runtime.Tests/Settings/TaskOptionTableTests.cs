using System.Globalization;
using System.Reflection;
using Mrq.Configuration;
using Mrq.Infrastructure;

namespace Mrq.Tests.Settings;

/// <summary>
/// Each task option is declared once, in <see cref="TaskOption.All"/>: the attribute, the config keys, the settings'
/// defaults and the task policies all follow the table.
/// </summary>
public sealed class TaskOptionTableTests
{
    public static TheoryData<string> Options => [.. TaskOption.All.Select(o => o.ConfigKey)];

    [Fact]
    public void Every_numeric_or_switch_attribute_property_is_a_row_whose_unset_value_is_the_property_default()
    {
        var attribute = new MrqTaskAttribute();
        var properties = typeof(MrqTaskAttribute).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(int) || p.PropertyType == typeof(bool))
            .ToDictionary(p => p.Name, p => p.GetValue(attribute)!);

        Assert.Equal(properties.Keys.Order(StringComparer.Ordinal), TaskOption.All.Select(o => o.AttributeName).Order(StringComparer.Ordinal));

        // A switch (bool) is unset when not given at all (the generator sees only given arguments); its default is false.
        Assert.All(TaskOption.All, o => Assert.Equal(properties[o.AttributeName] is bool ? false : o.Unset, properties[o.AttributeName]));
        Assert.Equal(Enumerable.Range(0, TaskOption.All.Count), TaskOption.All.Select(o => o.Index));
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void A_default_setting_is_a_config_key_that_sets_the_policy_of_tasks_without_the_option(string key)
    {
        var option = TaskOption.All.Single(o => o.ConfigKey == key);
        var settings = new MrqSettings();
        Assert.Equal(option.DefaultValue, TaskPolicies.Create(settings).For("tests.options.Unknown")[option]);
        if (option.DefaultSetting is null)
        {
            return;
        }

        Assert.True(ConfigKeys.Find(option.DefaultSetting)!.TryApply("4242", settings));
        Assert.False(ConfigKeys.Find(option.DefaultSetting)!.TryApply((option.DefaultMinimum - 1).ToString(CultureInfo.InvariantCulture), settings));
        Assert.Equal(4242, TaskPolicies.Create(settings).For("tests.options.Unknown")[option]);
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void The_config_overrides_the_attribute_which_overrides_the_default(string key)
    {
        var option = TaskOption.All.Single(o => o.ConfigKey == key);
        var path = "tests.options." + key;
        TaskCatalog.Register(new TaskDescriptor
        {
            Path = path,
            DefaultQueue = "default",
            Invoke = (_, _, _) => ValueTask.CompletedTask,
            Options = new Dictionary<string, int> { [key] = 17 },
        });
        var settings = new MrqSettings();
        Assert.Equal(17, TaskPolicies.Create(settings).For(path)[option]);

        settings.Extra["TASKS"] = $$"""{ "{{path}}": { "{{key}}": 23 } }""";
        Assert.Equal(23, TaskPolicies.Create(settings).For(path)[option]);
    }
}
