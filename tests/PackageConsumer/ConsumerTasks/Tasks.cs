namespace ConsumerTasks;

/// <summary>The library's generated façades, public for the worker program that references it.</summary>
public static partial class Tasks
{
}
