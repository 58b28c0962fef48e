namespace SharedTasks;

/// <summary>
/// Makes the generated façades of this library's public tasks public, so that the web app and the worker enqueue and
/// read results with <c>Tasks.Square.Job(n)</c> and <c>Tasks.Square.GetResult(job)</c> themselves.
/// </summary>
public static partial class Tasks
{
}
