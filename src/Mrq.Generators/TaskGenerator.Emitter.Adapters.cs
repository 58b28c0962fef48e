using Microsoft.CodeAnalysis.Text;
using Mrq.Generators.Model;

namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    internal sealed partial class Emitter
    {
        public const string AdaptersHintName = "MrqAdapters.g.cs";

        /// <summary>
        /// A module initializer that registers every adapter package the compilation references, so a program (or task
        /// library) that references Mrq.Redis can use <c>redis://</c> URIs without a line of set-up code.
        /// </summary>
        public static SourceText EmitAdapterRegistration(EquatableArray<string> registrations)
        {
            var source = new SourceWriter();
            WriteHeader(source, pragma: "#pragma warning disable CA2255 // A module initializer in a library is exactly how referenced adapters register themselves.");
            source.WriteLine("/// <summary>Registers the Mrq adapter packages this assembly references when it is loaded.</summary>");
            source.WriteLine(s_generatedCodeAttribute);
            source.WriteLine("file static class MrqAdapterRegistration");
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
    }
}
