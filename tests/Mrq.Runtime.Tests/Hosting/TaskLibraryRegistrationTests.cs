using Mrq.Infrastructure;
using Mrq.Tests.Support;

namespace Mrq.Tests.Hosting;

/// <summary>
/// A task library the host never loads would be silently missing: workers find such libraries from their metadata
/// (without loading them) and name the generated registration call in their warnings and errors.
/// </summary>
public sealed class TaskLibraryRegistrationTests
{
    [Fact]
    public void A_task_library_is_recognised_by_its_generated_registration_class()
    {
        Assert.Equal("AddMrqTasksFromQueuePerformance", TaskAssemblies.FindRegistration(SamplePaths.QueuePerformanceDll));
        Assert.Null(TaskAssemblies.FindRegistration(typeof(TaskCatalog).Assembly.Location));
    }

    [Fact]
    public void The_unknown_task_error_names_the_libraries_to_register()
    {
        var error = new MrqTaskNotFoundException("shared.Square", ["tests.a"], [("SharedTasks", "AddMrqTasksFromSharedTasks")]);

        Assert.Equal(
            "No task with path 'shared.Square' is registered in this worker. Known task paths: tests.a. Task libraries this process has not loaded: SharedTasks (register it with services.AddMrqTasksFromSharedTasks()).",
            error.Message);
    }

    [Fact]
    public void The_generated_registration_method_is_callable_and_keeps_the_tasks_registered()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();

        Assert.Same(services, Microsoft.Extensions.DependencyInjection.MrqTasksFromMrqRuntimeTestsExtensions.AddMrqTasksFromMrqRuntimeTests(services));
        Assert.True(TaskCatalog.TryFind(Tasks.HostingSquare.Path, out _));
    }
}
