using Mrq.Configuration;

namespace Mrq.Tests.Settings;

/// <summary><c>QUEUES_CONFIG</c>: <c>notify</c> (on for every queue unless set to false for the queue or its root) and <c>rate_limit</c>.</summary>
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

    [Fact]
    public void A_rate_limit_applies_to_its_queue_and_subqueues_unless_a_subqueue_has_its_own()
    {
        var settings = new MrqSettings();
        settings.Extra["QUEUES_CONFIG"] = """{ "emails": { "rate_limit": { "limit": 100, "per": 60 } }, "emails/vip": { "notify": true, "rate_limit": { "limit": 5, "per": 1 } } }""";
        var limits = QueuesConfig.RateLimits(settings);

        Assert.Equal(new QueueRateLimit("emails", 100, TimeSpan.FromMinutes(1)), QueuesConfig.RateLimitOf(limits, "emails"));
        Assert.Equal(new QueueRateLimit("emails", 100, TimeSpan.FromMinutes(1)), QueuesConfig.RateLimitOf(limits, "emails/"));
        Assert.Equal(new QueueRateLimit("emails", 100, TimeSpan.FromMinutes(1)), QueuesConfig.RateLimitOf(limits, "emails/bulk"));
        Assert.Equal(new QueueRateLimit("emails/vip", 5, TimeSpan.FromSeconds(1)), QueuesConfig.RateLimitOf(limits, "emails/vip"));
        Assert.Null(QueuesConfig.RateLimitOf(limits, "default"));
        Assert.Equal("queue:emails", limits["emails"].CounterKey);
    }

    [Theory]
    [InlineData("""{ "emails": { "rate_limit": 100 } }""", "QUEUES_CONFIG[\"emails\"].rate_limit: expected {\"limit\": <jobs>, \"per\": <seconds>}, got 100.")]
    [InlineData("""{ "emails": { "rate_limit": { "limit": 100 } } }""", "QUEUES_CONFIG[\"emails\"].rate_limit: expected {\"limit\": <jobs>, \"per\": <seconds>}, got { \"limit\": 100 }.")]
    [InlineData("""{ "emails": { "rate_limit": { "limit": 0, "per": 1 } } }""", "QUEUES_CONFIG[\"emails\"].rate_limit.limit: expected a number of jobs, at least 1, got 0.")]
    [InlineData("""{ "emails": { "rate_limit": { "limit": 5, "per": 0.5 } } }""", "QUEUES_CONFIG[\"emails\"].rate_limit.per: expected a number of seconds, at least 1, got 0.5.")]
    [InlineData("""{ "emails": { "rate_limit": { "limit": 5, "per": 1, "burst": 2 } } }""", "QUEUES_CONFIG[\"emails\"].rate_limit.burst: unknown key; expected limit and per.")]
    [InlineData("""{ "emails": { "notfy": false } }""", "QUEUES_CONFIG[\"emails\"].notfy: unknown option; expected notify or rate_limit.")]
    public void A_bad_queue_option_stops_at_start_naming_the_key(string json, string message)
    {
        var settings = new MrqSettings();
        settings.Extra["QUEUES_CONFIG"] = json;

        Assert.Equal(message, Assert.Throws<MrqConfigurationException>(() => QueuesConfig.QuietQueues(settings)).Message);
    }
}
