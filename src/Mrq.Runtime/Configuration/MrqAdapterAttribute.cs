namespace Mrq.Configuration;

/// <summary>
/// Marks an adapter assembly: <paramref name="registration"/> is a type with a public static <c>Register()</c> method
/// that adds the adapter to Mrq. Mrq's generator calls it from the module initializer of every project that references
/// the adapter, so adding the package is all it takes.
/// </summary>
/// <param name="registration">The type whose static <c>Register()</c> adds the adapter.</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class MrqAdapterAttribute(Type registration) : Attribute
{
    /// <summary>The type whose static <c>Register()</c> adds the adapter.</summary>
    public Type Registration { get; } = registration;
}
