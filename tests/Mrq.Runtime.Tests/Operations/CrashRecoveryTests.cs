using Mrq.Tests.Support;
using Xunit.Abstractions;

namespace Mrq.Tests.Operations;

/// <summary>
/// At-least-once across a crash: a worker killed with SIGKILL mid-run leaves jobs <c>started</c>; another worker sees
/// its reports stop, requeues them, and every job ends <c>success</c>. Jobs that were running (or done but not yet
/// written) when the worker died run twice; the test reports how many.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_a_SIGKILL_every_job_still_ends_success_at_least_once()
    {
        await using var env = new HostEnvironment();
        var marks = Directory.CreateDirectory(env.File("marks")).FullName;
        var ids = env.Client.EnqueueMany(Enumerable.Range(0, 300).Select(_ => HostJobs.Mark(marks, 20)).ToArray());

        using var victim = env.StartWorker("default", "--greenlets", "5", "--report_interval", "1");
        await Eventually.TrueAsync(async () => await env.Store.CountAsync("default", JobStatus.Success) >= 50, HostEnvironment.Wait, "the first worker did not get going");
        victim.Signal("KILL");
        await victim.WaitForExitAsync(HostEnvironment.Wait);

        var orphaned = await env.Store.CountAsync("default", JobStatus.Started);
        var doneBeforeCrash = await env.Store.CountAsync("default", JobStatus.Success);
        Assert.True(orphaned > 0, "no job was running when the worker was killed");

        using var rescuer = env.StartWorker("default", "--greenlets", "5", "--report_interval", "1");
        await env.WaitForStatusAsync(ids, JobStatus.Success);
        rescuer.Signal("INT");
        Assert.Equal(0, await rescuer.WaitForExitAsync(HostEnvironment.Wait));
        Assert.Contains("left started by dead workers", rescuer.StandardError, StringComparison.Ordinal);

        var runs = HostJobs.Runs(marks);
        Assert.All(ids, id => Assert.True(runs.GetValueOrDefault(id.ToString()) >= 1, $"job {id} never ran"));
        var ranTwice = runs.Count(r => r.Value > 1);
        output.WriteLine($"{doneBeforeCrash} jobs succeeded before the SIGKILL, {orphaned} were left started; {ranTwice} of {ids.Count} jobs ran twice.");
        Assert.True(ranTwice <= orphaned, $"{ranTwice} jobs ran twice but only {orphaned} were left started");
    }
}
