using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    // The attribute's options, validated with the task option table (MRQ006), and queue names (MRQ008, MRQ009).
    internal sealed partial class Parser
    {
        // MRQ006: option values the runtime would reject or misread; MRQ008 / MRQ009: the default queue's name.
        private TaskOptions ReadOptions(INamedTypeSymbol type, AttributeData attribute, AttributeSyntax? attributeSyntax)
        {
            var options = TaskOptions.None;
            foreach (var argument in attribute.NamedArguments)
            {
                var name = argument.Key;
                var value = argument.Value.Value;
                string? problem = null;
                switch (name)
                {
                    case "Path":
                        if (TaskPaths.GetProblem(value as string) is { } pathProblem)
                        {
                            Report(DiagnosticDescriptors.InvalidTaskPath, GetArgumentSyntax(attributeSyntax, name)?.GetLocation(), SymbolDisplay.FormatLiteral(value as string ?? string.Empty, quote: false), type.Name, pathProblem);
                        }

                        break;
                    case "Queue" when value is string queue:
                        var location = GetArgumentSyntax(attributeSyntax, name)?.GetLocation();
                        if (CheckQueueName(queue, isRawQueueName: false, $"the Queue of task '{type.Name}'", location)
                            && RawQueueRule.TryGetType(queue, out _, out var suffix))
                        {
                            Report(DiagnosticDescriptors.TaskQueueIsRaw, location, queue, type.Name, suffix);
                        }

                        break;
                    default:
                        // A bool option (RetryOnFailure, RetryBackoff) is 1 or 0 in the table; given as false it still overrides the default.
                        if ((value is int || value is bool) && FindOption(name) is { } option)
                        {
                            var number = value is bool flag ? (flag ? 1 : 0) : (int)value;
                            if (!option.Accepts(number))
                            {
                                problem = option.DescribeProblem(number);
                            }

                            options = options.With(option, number);
                        }

                        break;
                }

                if (problem is not null)
                {
                    Report(DiagnosticDescriptors.InvalidOption, GetArgumentSyntax(attributeSyntax, name)?.GetLocation(), name, problem);
                }
            }

            return options;
        }

        // The row of the task option table for the attribute property called name, or null.
        private static TaskOption? FindOption(string name)
        {
            foreach (var option in TaskOption.All)
            {
                if (option.AttributeName == name)
                {
                    return option;
                }
            }

            return null;
        }

        // MRQ008: a queue name the runtime's key layouts and command lines cannot carry.
        private bool CheckQueueName(string? name, bool isRawQueueName, string role, Location? location)
        {
            var problem = QueueNames.GetProblem(name, isRawQueueName);
            if (problem is null)
            {
                return true;
            }

            Report(DiagnosticDescriptors.InvalidQueueName, location, name ?? string.Empty, role, problem);
            return false;
        }
    }
}
