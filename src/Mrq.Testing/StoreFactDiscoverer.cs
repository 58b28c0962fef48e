using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Mrq.Testing;

/// <summary>Discovers [StoreFact] tests: a skipped case when the class says so, a plain fact otherwise.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        StoreSkipAttribute.For(testMethod.TestClass.Class) is { } reason
            ? new SkippedStoreTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)
            : base.CreateTestCase(discoveryOptions, testMethod, factAttribute);
}
