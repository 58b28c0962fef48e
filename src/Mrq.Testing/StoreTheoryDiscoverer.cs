using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Mrq.Testing;

/// <summary>Discovers [StoreTheory] tests: one skipped case when the class says so, the usual theory cases otherwise.</summary>
public sealed class StoreTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        StoreSkipAttribute.For(testMethod.TestClass.Class) is { } reason
            ? [new SkippedStoreTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
}
