using Mrq.Configuration;

namespace Mrq.Tests.Settings;

/// <summary><c>QUEUES_CONFIG</c>'s <c>notify</c>: on for every queue unless set to false for the queue or its root.</summary>
public sealed class QueuesConfigTests
{
    [Fact]
    public void Every_queue_notifies_without_configuration()
    {
        var quiet = QueuesConfig.QuietQueues(new MrqSettings());

        Assert.True(QueuesConfig.Notifies(quiet, "default"));
        Assert.True(QueuesConfig.Notifies(quiet, "square_raw/sub"));
    }

    [Fact]
    public void Notify_false_opts_a_queue_and_its_subqueues_out_and_notify_true_changes_nothing()
    {
        var settings = new MrqSettings();
        settings.Extra["QUEUES_CONFIG"] = """{ "quiet": { "notify": false }, "loud": { "notify": true }, "polled_raw/": { "notify": false } }""";
        var quiet = QueuesConfig.QuietQueues(settings);

        Assert.False(QueuesConfig.Notifies(quiet, "quiet"));
        Assert.False(QueuesConfig.Notifies(quiet, "quiet/a"));
        Assert.False(QueuesConfig.Notifies(quiet, "quiet/"));
        Assert.False(QueuesConfig.Notifies(quiet, "polled_raw"));
        Assert.True(QueuesConfig.Notifies(quiet, "loud"));
        Assert.True(QueuesConfig.Notifies(quiet, "quieter"));
    }

    [Fact]
    public void A_notify_that_is_not_a_boolean_names_the_queue()
    {
        var settings = new MrqSettings();
        settings.Extra["QUEUES_CONFIG"] = """{ "emails": { "notify": "no" } }""";

        var error = Assert.Throws<MrqConfigurationException>(() => QueuesConfig.QuietQueues(settings));
        Assert.Contains("QUEUES_CONFIG[\"emails\"].notify", error.Message, StringComparison.Ordinal);
    }
}
