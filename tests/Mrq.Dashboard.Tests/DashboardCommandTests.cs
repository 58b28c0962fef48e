using System.Net;
using System.Net.Sockets;
using Mrq.Tests.Support;

namespace Mrq.Dashboard.Tests;

/// <summary>The sample's <c>dashboard</c> command, as a process: a port it cannot listen on is one line naming the flag.</summary>
public sealed class DashboardCommandTests
{
    [Fact]
    public async Task A_port_in_use_stops_the_dashboard_with_one_line_naming_the_flag()
    {
        using var directory = new TempDirectory();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        using var dashboard = ChildProcess.StartSample(directory.Path, "dashboard", "--dashboard_port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var exit = await dashboard.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(1, exit);
        Assert.Equal($"mrq: error: --dashboard_port: cannot listen on 127.0.0.1:{port}: Address already in use", dashboard.StandardError.Trim());
    }

    [Fact]
    public async Task An_address_this_machine_does_not_have_stops_the_dashboard_with_one_line()
    {
        using var directory = new TempDirectory();

        // 192.0.2.0/24 is reserved for documentation (RFC 5737): no machine has it.
        using var dashboard = ChildProcess.StartSample(directory.Path, "dashboard", "--dashboard_ip", "192.0.2.1", "--dashboard_port", "5555");
        var exit = await dashboard.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(1, exit);
        Assert.Equal("mrq: error: --dashboard_port: cannot listen on 192.0.2.1:5555: Cannot assign requested address", dashboard.StandardError.Trim());
    }
}
