namespace Mrq.Generators;

/// <summary>The symbols the parser compares against, looked up once per compilation.</summary>
internal sealed class KnownTypeSymbols
{
    public const string MrqTaskAttributeName = "Mrq.MrqTaskAttribute";

    public const string MrqRawQueueAttributeName = "Mrq.MrqRawQueueAttribute";

    public KnownTypeSymbols(Compilation compilation)
    {
        Compilation = compilation;
        MrqTaskAttribute = compilation.GetBestTypeByMetadataName(MrqTaskAttributeName);
        MrqRawQueueAttribute = compilation.GetBestTypeByMetadataName(MrqRawQueueAttributeName);
        JobRequest = compilation.GetBestTypeByMetadataName("Mrq.JobRequest");
        JobStatus = compilation.GetBestTypeByMetadataName("Mrq.JobStatus");
        JobContext = compilation.GetBestTypeByMetadataName("Mrq.JobContext");
        CancellationToken = compilation.GetBestTypeByMetadataName("System.Threading.CancellationToken");
        Task = compilation.GetBestTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetBestTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetBestTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetBestTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        Guid = compilation.GetBestTypeByMetadataName("System.Guid");
        DateTimeOffset = compilation.GetBestTypeByMetadataName("System.DateTimeOffset");
        TimeSpan = compilation.GetBestTypeByMetadataName("System.TimeSpan");
        DateOnly = compilation.GetBestTypeByMetadataName("System.DateOnly");
        TimeOnly = compilation.GetBestTypeByMetadataName("System.TimeOnly");
        List = compilation.GetBestTypeByMetadataName("System.Collections.Generic.List`1");
        IList = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IList_T);
        ICollection = compilation.GetSpecialType(SpecialType.System_Collections_Generic_ICollection_T);
        IEnumerable = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
        IReadOnlyList = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyList_T);
        IReadOnlyCollection = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyCollection_T);
        HashSet = compilation.GetBestTypeByMetadataName("System.Collections.Generic.HashSet`1");
        ISet = compilation.GetBestTypeByMetadataName("System.Collections.Generic.ISet`1");
        IReadOnlySet = compilation.GetBestTypeByMetadataName("System.Collections.Generic.IReadOnlySet`1");
        Dictionary = compilation.GetBestTypeByMetadataName("System.Collections.Generic.Dictionary`2");
        IDictionary = compilation.GetBestTypeByMetadataName("System.Collections.Generic.IDictionary`2");
        IReadOnlyDictionary = compilation.GetBestTypeByMetadataName("System.Collections.Generic.IReadOnlyDictionary`2");
        IDisposable = compilation.GetSpecialType(SpecialType.System_IDisposable);
        IAsyncDisposable = compilation.GetBestTypeByMetadataName("System.IAsyncDisposable");
        SetsRequiredMembersAttribute = compilation.GetBestTypeByMetadataName("System.Diagnostics.CodeAnalysis.SetsRequiredMembersAttribute");
        ObsoleteAttribute = compilation.GetBestTypeByMetadataName("System.ObsoleteAttribute");
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol? MrqTaskAttribute { get; }

    public INamedTypeSymbol? MrqRawQueueAttribute { get; }

    public INamedTypeSymbol? JobRequest { get; }

    public INamedTypeSymbol? JobStatus { get; }

    public INamedTypeSymbol? JobContext { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? Guid { get; }

    public INamedTypeSymbol? DateTimeOffset { get; }

    public INamedTypeSymbol? TimeSpan { get; }

    public INamedTypeSymbol? DateOnly { get; }

    public INamedTypeSymbol? TimeOnly { get; }

    public INamedTypeSymbol? List { get; }

    public INamedTypeSymbol IList { get; }

    public INamedTypeSymbol ICollection { get; }

    public INamedTypeSymbol IEnumerable { get; }

    public INamedTypeSymbol IReadOnlyList { get; }

    public INamedTypeSymbol IReadOnlyCollection { get; }

    public INamedTypeSymbol? HashSet { get; }

    public INamedTypeSymbol? ISet { get; }

    public INamedTypeSymbol? IReadOnlySet { get; }

    public INamedTypeSymbol? Dictionary { get; }

    public INamedTypeSymbol? IDictionary { get; }

    public INamedTypeSymbol? IReadOnlyDictionary { get; }

    public INamedTypeSymbol IDisposable { get; }

    public INamedTypeSymbol? IAsyncDisposable { get; }

    public INamedTypeSymbol? SetsRequiredMembersAttribute { get; }

    public INamedTypeSymbol? ObsoleteAttribute { get; }
}
