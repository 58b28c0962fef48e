using System.Text;

namespace Mrq.Generators;

/// <summary>Writes indented C# source text (four spaces per level, <c>\n</c> line endings).</summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public int Indentation
    {
        get => _indentation;
        set => _indentation = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <summary>Writes a line at the current indentation; a multi-line <paramref name="text"/> is indented line by line.</summary>
    public void WriteLine(string text)
    {
        var start = 0;
        while (true)
        {
            var end = text.IndexOf('\n', start);
            var line = end < 0 ? text.Substring(start) : text.Substring(start, end - start);
            WriteIndentedLine(line.TrimEnd('\r'));
            if (end < 0)
            {
                return;
            }

            start = end + 1;
        }
    }

    /// <summary>Writes an empty line.</summary>
    public void WriteLine() => _builder.Append('\n');

    /// <summary>Writes <c>{</c> and indents.</summary>
    public void OpenBlock()
    {
        WriteLine("{");
        _indentation++;
    }

    /// <summary>Unindents and writes <c>}</c> followed by <paramref name="suffix"/>.</summary>
    public void CloseBlock(string suffix = "")
    {
        _indentation--;
        WriteLine("}" + suffix);
    }

    /// <summary>The text written so far; the indentation must be back to zero.</summary>
    public SourceText ToSourceText()
    {
        if (_indentation != 0)
        {
            throw new InvalidOperationException($"Unbalanced indentation: {_indentation} level(s) still open.");
        }

        return SourceText.From(_builder.ToString(), Encoding.UTF8);
    }

    private void WriteIndentedLine(string line)
    {
        if (line.Length > 0)
        {
            for (var i = 0; i < _indentation; i++)
            {
                _builder.Append(IndentUnit);
            }

            _builder.Append(line);
        }

        _builder.Append('\n');
    }
}
