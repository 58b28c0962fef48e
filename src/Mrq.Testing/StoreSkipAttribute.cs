using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Mrq.Testing;

// How conformance tests (declared once in an abstract base class) skip for one adapter only:
// xunit 2 reads [Fact(Skip = ...)] from the method, which the base class declares for every adapter at once. So the
// conformance suite uses [StoreFact] / [StoreTheory]: their discoverers look at the concrete test class being run and
// skip its cases when it carries a StoreSkipAttribute with a reason (MongoJobStoreTests without a server), and
// otherwise behave exactly like [Fact] / [Theory] (SqliteJobStoreTests runs them all).

/// <summary>Makes every [StoreFact]/[StoreTheory] of the class it is on skip when <see cref="SkipReason"/> is not null.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public abstract class StoreSkipAttribute : Attribute
{
    /// <summary>Why the class's store tests cannot run here, or null when they can.</summary>
    public abstract string? SkipReason { get; }

    /// <summary>The skip reason of a test class, from its <see cref="StoreSkipAttribute"/>, if any.</summary>
    public static string? For(ITypeInfo testClass) =>
        testClass.ToRuntimeType()?.GetCustomAttribute<StoreSkipAttribute>(inherit: true)?.SkipReason;
}
