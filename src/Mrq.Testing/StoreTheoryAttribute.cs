using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Mrq.Testing;

/// <summary>A conformance theory: a [Theory] that the concrete class's <see cref="StoreSkipAttribute"/> can skip.</summary>
// StoreFactAttribute's twin on purpose: xunit finds a test case discoverer by the attribute's type, one type each.
[XunitTestCaseDiscoverer("Mrq.Testing.StoreTheoryDiscoverer", "Mrq.Testing")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class StoreTheoryAttribute : TheoryAttribute
{
}
