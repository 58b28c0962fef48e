using System.Collections;
using Mrq.Configuration;
using Mrq.Tests.Support;

namespace Mrq.Tests.Settings;

/// <summary>Ports are checked when the settings load, not when a listener is bound with them.</summary>
public sealed class PortSettingTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Theory]
    [InlineData("dashboard_port", "99999", "--dashboard_port: expected a port number from 1 to 65535, got \"99999\".")]
    [InlineData("dashboard_port", "0", "--dashboard_port: expected a port number from 1 to 65535, got \"0\".")]
    [InlineData("admin_port", "65536", "--admin_port: expected 0 (off) or a port number up to 65535, got \"65536\".")]
    public void A_port_out_of_range_stops_loading(string flag, string value, string message)
    {
        var error = Assert.Throws<MrqConfigurationException>(() => ConfigurationLoader.Load([new(flag, value)], new Hashtable(), _directory.Path));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Ports_in_range_load()
    {
        var settings = ConfigurationLoader.Load([new("dashboard_port", "65535"), new("admin_port", "0")], new Hashtable(), _directory.Path);

        Assert.Equal((65535, 0), (settings.DashboardPort, settings.AdminPort));
    }

    public void Dispose() => _directory.Dispose();
}
