using System.Collections;
using Mrq.Configuration;
using Mrq.Tests.Support;

namespace Mrq.Tests.Settings;

/// <summary>The config file is a closed set of keys: a typo stops loading with the closest known key.</summary>
public sealed class UnknownConfigKeyTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Theory]
    [InlineData("""{"GREENLET": 5}""", "GREENLET in mrq-config.json: unknown key (did you mean GREENLETS?)")]
    [InlineData("""{"Max_Job": 5}""", "Max_Job in mrq-config.json: unknown key (did you mean MAX_JOBS?)")]
    [InlineData("""{"GEVNT": 5}""", "unknown key (did you mean GEVENT?)")]
    [InlineData("""{"QUEUE_CONFIG": {}}""", "unknown key (did you mean QUEUES_CONFIG?)")]
    [InlineData("""{"XYZZY_PLUGH": 1}""", "XYZZY_PLUGH in mrq-config.json: unknown key. Known keys")]
    [InlineData("""{"CONFIG": "other.json"}""", "CONFIG in mrq-config.json: a config file cannot name another one")]
    public void An_unknown_key_stops_loading_with_the_closest_known_one(string json, string message)
    {
        File.WriteAllText(_directory.File("mrq-config.json"), json);

        var error = Assert.Throws<MrqConfigurationException>(Load);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_and_settings_are_matched_ignoring_case()
    {
        File.WriteAllText(_directory.File("mrq-config.json"), """{"greenlets": 3, "Tasks": {}, "queues_config": {}, "SCHEDULER_TASKS": []}""");

        var settings = Load();

        Assert.Equal(3, settings.Greenlets);
        Assert.Equal(["SCHEDULER_TASKS", "Tasks", "queues_config"], settings.Extra.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Unknown_MRQ_environment_variables_are_ignored_as_MRQ_does()
    {
        var settings = ConfigurationLoader.Load([], new Hashtable { ["MRQ_GREENLET"] = "5", ["MRQ_GREENLETS"] = "4" }, _directory.Path);

        Assert.Equal(4, settings.Greenlets);
    }

    [Fact]
    public void An_unknown_flag_names_the_closest_known_one()
    {
        var error = Assert.Throws<MrqConfigurationException>(() =>
            ConfigurationLoader.Load([new("max_job", "3")], new Hashtable(), _directory.Path));

        Assert.Equal("--max_job: unknown option (did you mean --max_jobs?).", error.Message);
    }

    public void Dispose() => _directory.Dispose();

    private MrqSettings Load() => ConfigurationLoader.Load([], new Hashtable(), _directory.Path);
}
