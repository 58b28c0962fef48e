using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Mrq.Testing;

/// <summary>A conformance test: a [Fact] that the concrete class's <see cref="StoreSkipAttribute"/> can skip.</summary>
// StoreTheoryAttribute's twin on purpose: xunit finds a test case discoverer by the attribute's type, one type each.
[XunitTestCaseDiscoverer("Mrq.Testing.StoreFactDiscoverer", "Mrq.Testing")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class StoreFactAttribute : FactAttribute
{
}
