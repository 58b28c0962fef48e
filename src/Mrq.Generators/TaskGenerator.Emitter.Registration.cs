namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    internal sealed partial class Emitter
    {
        public const string ReferencesHintName = "MrqReferences.g.cs";
        public const string AssemblyRegistrationHintName = "MrqAssemblyRegistration.g.cs";

        private const string RegistrationClassName = "MrqAssemblyRegistration";

        /// <summary>
        /// A module initializer that registers every referenced assembly marked with <c>MrqRegistration</c>: adapter
        /// packages (a program that references Mrq.Redis can use <c>redis://</c> URIs without set-up code) and task
        /// libraries (a worker program runs a referenced library's tasks even if it never touches the library's types).
        /// </summary>
        public static SourceText EmitReferencesRegistration(EquatableArray<string> registrations)
        {
            var source = new SourceWriter();
            WriteHeader(source, pragma: "#pragma warning disable CA2255 // A module initializer is exactly how referenced Mrq assemblies are registered.");
            source.WriteLine("/// <summary>Registers the Mrq adapters and task libraries this assembly references when it is loaded.</summary>");
            source.WriteLine(s_generatedCodeAttribute);
            source.WriteLine("file static class MrqReferencesRegistration");
            source.OpenBlock();
            source.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
            source.WriteLine("internal static void Register()");
            source.OpenBlock();
            foreach (var registration in registrations)
            {
                source.WriteLine($"{registration}.Register();");
            }

            source.CloseBlock();
            source.CloseBlock();
            return source.ToSourceText();
        }

        /// <summary>
        /// Marks a task library so that the programs referencing it register its tasks at load: a public class whose
        /// <c>Register()</c> does nothing but, being code of this assembly, runs its module initializer (the catalog).
        /// </summary>
        public static SourceText EmitAssemblyRegistration(string registrationNamespace)
        {
            var source = new SourceWriter();
            WriteHeader(source);
            source.WriteLine($"[assembly: global::Mrq.Infrastructure.MrqRegistrationAttribute(typeof(global::{registrationNamespace}.{RegistrationClassName}))]");
            source.WriteLine();
            source.WriteLine($"namespace {registrationNamespace}");
            source.OpenBlock();
            source.WriteLine("/// <summary>Runs this assembly's Mrq registration; called by the programs that reference it.</summary>");
            source.WriteLine(s_generatedCodeAttribute);
            source.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            source.WriteLine($"public static class {RegistrationClassName}");
            source.OpenBlock();
            source.WriteLine("/// <summary>Ensures this assembly's tasks and raw queues are registered (its module initializer has run).</summary>");
            source.WriteLine("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
            source.WriteLine("public static void Register()");
            source.OpenBlock();
            source.CloseBlock();
            source.CloseBlock();
            source.CloseBlock();
            return source.ToSourceText();
        }
    }
}
