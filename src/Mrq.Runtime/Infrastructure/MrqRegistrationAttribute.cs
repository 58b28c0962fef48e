using System.ComponentModel;

namespace Mrq.Infrastructure;

/// <summary>
/// Marks an assembly that adds something to Mrq when it loads: an adapter package (Mrq.Redis registers its URI scheme)
/// or a task library (its tasks and raw queues). <paramref name="registration"/> is a public static class with a public
/// static <c>Register()</c> method. Mrq's generator calls <c>Register()</c> from the module initializer of every project
/// that references such an assembly, so a worker program finds the tasks and adapters of the libraries it references
/// without touching them first. Task libraries get this attribute from the generator; adapters declare it.
/// </summary>
/// <param name="registration">The static class whose <c>Register()</c> method adds the assembly's parts.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class MrqRegistrationAttribute(Type registration) : Attribute
{
    /// <summary>The static class whose <c>Register()</c> method adds the assembly's parts.</summary>
    public Type Registration { get; } = registration;
}
