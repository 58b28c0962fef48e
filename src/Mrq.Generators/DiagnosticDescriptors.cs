namespace Mrq.Generators;

/// <summary>
/// Every diagnostic of Mrq's analyzers. IDs are stable and never reused or renumbered; keep this file in sync with
/// AnalyzerReleases.Unshipped.md and docs/diagnostics/MRQ0xx.md. Errors describe a task or queue that would fail at run
/// time (the generator emits nothing for it), so none may be configured away; warnings describe code that works but
/// wastes or endangers the worker, and can be configured in .editorconfig.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string TasksCategory = "Mrq.Tasks";
    private const string QueuesCategory = "Mrq.Queues";
    private const string RawQueuesCategory = "Mrq.RawQueues";
    private const string GeneratedCodeCategory = "Mrq.GeneratedCode";
    // Absolute, so the link resolves from an IDE or a build log outside the repository; the same base as the packages'
    // RepositoryUrl (src/Directory.Build.props).
    private const string HelpLinkPrefix = "https://github.com/mrq-dotnet/mrq/blob/main/docs/diagnostics/";

    // Written out per descriptor (no helper method) so the release-tracking analyzers (RS2000-RS2008) can read every ID,
    // category and severity as constants.
    private static readonly string[] s_errorTags = [WellKnownDiagnosticTags.NotConfigurable];
    private static readonly string[] s_compilationEndErrorTags = [WellKnownDiagnosticTags.NotConfigurable, WellKnownDiagnosticTags.CompilationEnd];
    private static readonly string[] s_warningTags = [];

    public static readonly DiagnosticDescriptor NoRunMethod = new(
        "MRQ001",
        "Task class has no public Run or RunAsync method",
        "Task class '{0}' has no public instance method named Run or RunAsync",
        TasksCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ001.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor SeveralRunMethods = new(
        "MRQ002",
        "Task class has several Run or RunAsync methods",
        "Task class '{0}' has {1} public Run or RunAsync methods; it must have exactly one",
        TasksCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ002.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor UnsupportedType = new(
        "MRQ003",
        "Unsupported parameter or return type",
        "The type '{0}' of '{1}' is not supported by Mrq's serializer: {2}",
        TasksCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ003.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor InvalidTaskClass = new(
        "MRQ004",
        "Task class cannot be a task",
        "Class '{0}' cannot be an Mrq task: {1}",
        TasksCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ004.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor DuplicatePath = new(
        "MRQ005",
        "Duplicate task path",
        "The task path '{0}' is used by several tasks ({1}); task paths must be unique",
        TasksCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ005.md",
        customTags: s_compilationEndErrorTags);

    public static readonly DiagnosticDescriptor InvalidOption = new(
        "MRQ006",
        "Invalid task option",
        "Invalid value for MrqTask option '{0}': {1}",
        TasksCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ006.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor NoUsableConstructor = new(
        "MRQ007",
        "Task class cannot be constructed",
        "Task class '{0}' cannot be constructed: {1}",
        TasksCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ007.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor InvalidQueueName = new(
        "MRQ008",
        "Invalid queue name",
        "Invalid queue name '{0}' for {1}: {2}",
        QueuesCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ008.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor TaskQueueIsRaw = new(
        "MRQ009",
        "Task's default queue is a raw queue",
        "The default queue '{0}' of task '{1}' is a raw queue (its name ends in '{2}'); tasks are enqueued on regular queues",
        TasksCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ009.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor RawQueueNameWithoutType = new(
        "MRQ010",
        "Raw queue name without a type suffix",
        "The raw queue name '{0}' does not end in '_raw', '_set', '_sorted_set' or '_timed_set', which give the queue its type",
        RawQueuesCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ010.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor DuplicateRawQueueName = new(
        "MRQ011",
        "Duplicate raw queue name",
        "The raw queue name '{0}' is declared by several factories ({1}); raw queue names must be unique",
        RawQueuesCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ011.md",
        customTags: s_compilationEndErrorTags);

    public static readonly DiagnosticDescriptor InvalidRawQueueFactory = new(
        "MRQ012",
        "Invalid raw queue factory method",
        "Raw queue factory '{0}' is invalid: {1}",
        RawQueuesCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ012.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor RetryQueueIsRaw = new(
        "MRQ013",
        "Retry queue is a raw queue",
        "The RetryQueue '{0}' of raw queue '{1}' is itself a raw queue (its name ends in '{2}'); retried and requeued jobs need a regular queue",
        RawQueuesCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ013.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor InvalidPushbackSeconds = new(
        "MRQ014",
        "Invalid PushbackSeconds",
        "Invalid PushbackSeconds for raw queue '{0}': {1}",
        RawQueuesCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ014.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor InvalidStatusNoStorage = new(
        "MRQ015",
        "Invalid StatusesNoStorage entry",
        "StatusesNoStorage of raw queue '{0}' cannot contain {1}: {2}",
        RawQueuesCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ015.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor DuplicateRawQueueClass = new(
        "MRQ016",
        "Raw queue factories generate the same class",
        "The raw queue factories {0} would all generate the class '{1}'; rename all but one of them",
        RawQueuesCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ016.md",
        customTags: s_compilationEndErrorTags);

    public static readonly DiagnosticDescriptor AsyncVoidRun = new(
        "MRQ017",
        "Run is async void",
        "The {0} method of task '{1}' is async void: the worker cannot await it, so the job ends at its first await and an exception after it crashes the process; return Task instead",
        TasksCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ017.md",
        customTags: s_warningTags);

    public static readonly DiagnosticDescriptor BlockingWaitInRun = new(
        "MRQ018",
        "Run blocks on a task",
        "The {0} method of task '{1}' blocks a worker thread with '{2}'; make it async and await the task instead",
        TasksCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ018.md",
        customTags: s_warningTags);

    public static readonly DiagnosticDescriptor InvalidTaskPath = new(
        "MRQ019",
        "Invalid task path",
        "Invalid task path '{0}' for task '{1}': {2}",
        TasksCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ019.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor GeneratedClassClash = new(
        "MRQ020",
        "Generated class clashes with a declaration",
        "The class '{0}' that Mrq generates for {1} clashes with {2}",
        GeneratedCodeCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ020.md",
        customTags: s_errorTags);

    public static readonly DiagnosticDescriptor DuplicateFacade = new(
        "MRQ021",
        "Tasks generate the same façade class",
        "The façade class '{0}' of task '{1}' {2}; rename the task class",
        GeneratedCodeCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLinkPrefix + "MRQ021.md",
        customTags: s_compilationEndErrorTags);
}
