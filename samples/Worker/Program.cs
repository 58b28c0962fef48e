using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SharedTasks;

// A worker program for the shared task library: the "Mrq" section of appsettings.json says what it listens to.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddMrq();
builder.Services.AddMrqTasksFromSharedTasks();
builder.Services.AddScoped<SquareAudit>();
builder.Services.AddMrqWorker();
await builder.Build().RunAsync();
