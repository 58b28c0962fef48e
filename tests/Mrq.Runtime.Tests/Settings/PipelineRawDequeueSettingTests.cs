using System.Collections;
using Mrq.Configuration;
using Mrq.Tests.Support;

namespace Mrq.Tests.Settings;

/// <summary>
/// <c>pipeline_raw_dequeue</c> is off unless asked for, from mrq-config.json or <c>MRQ_PIPELINE_RAW_DEQUEUE</c> (the
/// flag is used by PipelinedRawDequeueTests' worker processes, the hosted section by HostConfigurationTests).
/// </summary>
public sealed class PipelineRawDequeueSettingTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public void Is_off_by_default()
    {
        Assert.False(ConfigurationLoader.Load([], new Hashtable(), _directory.Path).PipelineRawDequeue);
    }

    [Fact]
    public void Is_read_from_the_config_file_and_the_environment()
    {
        File.WriteAllText(_directory.File("mrq-config.json"), """{"PIPELINE_RAW_DEQUEUE": true}""");
        Assert.True(ConfigurationLoader.Load([], new Hashtable(), _directory.Path).PipelineRawDequeue);

        File.Delete(_directory.File("mrq-config.json"));
        Assert.True(ConfigurationLoader.Load([], new Hashtable { ["MRQ_PIPELINE_RAW_DEQUEUE"] = "1" }, _directory.Path).PipelineRawDequeue);
    }

    public void Dispose() => _directory.Dispose();
}
