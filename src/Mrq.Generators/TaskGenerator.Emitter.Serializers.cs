namespace Mrq.Generators;

public sealed partial class TaskGenerator
{
    internal sealed partial class Emitter
    {
        private const string GenericList = "global::System.Collections.Generic.List";
        private const string GenericHashSet = "global::System.Collections.Generic.HashSet";

        /// <summary>
        /// One <c>Write</c>/<c>Read</c> overload pair per collection, dictionary and object type of the compilation's
        /// tasks, picked by C# overload resolution on the declared type; scalars and enums are written inline.
        /// </summary>
        public static SourceText EmitSerializers(SerializersSpec spec)
        {
            var emitter = new Emitter(spec.Types, serializers: string.Empty);
            var source = new SourceWriter();
            WriteHeader(source, "#nullable disable", why:
            [
                "// Nullable-oblivious on purpose: List<string> and List<string?> are one runtime type, so one overload serves",
                "// both, and callers keep the annotations they declared without warnings.",
            ]);
            source.WriteLine($"namespace {spec.GeneratedNamespace}");
            source.OpenBlock();
            source.WriteLine("/// <summary>Writes and reads the params and results of this assembly's tasks in Mrq's MessagePack wire format.</summary>");
            source.WriteLine(s_generatedCodeAttribute);
            source.WriteLine($"internal static class {SerializersClassName}");
            source.OpenBlock();
            var first = true;
            foreach (var type in spec.Types.Where(t => TypeSpecs.NeedsMethods(t, emitter._types)))
            {
                if (!first)
                {
                    source.WriteLine();
                }

                first = false;
                source.WriteLine($"internal static void Write(ref {MessagePackWriter} writer, {type.FullName} value)");
                source.OpenBlock();
                emitter.WriteSerializerBody(source, type);
                source.CloseBlock();
                source.WriteLine();
                source.WriteLine($"internal static void Read(ref {MessagePackReader} reader, out {type.FullName} value)");
                source.OpenBlock();
                emitter.WriteDeserializerBody(source, type);
                source.CloseBlock();
            }

            source.CloseBlock();
            source.CloseBlock();
            return source.ToSourceText();
        }

        private void WriteSerializerBody(SourceWriter source, TypeSpec type)
        {
            if (type.Shape == TypeShape.Nullable || !type.IsValueType)
            {
                WriteNilCase(source, "value is null", "writer.WriteNil();");
            }

            if (type.Shape == TypeShape.Nullable)
            {
                WriteValue(source, type.Element!, "value.GetValueOrDefault()", "writer");
                return;
            }

            switch (type.Shape)
            {
                case TypeShape.Object:
                    source.WriteLine($"writer.WriteMapHeader({Number(type.Properties.Count)});");
                    foreach (var property in type.Properties)
                    {
                        source.WriteLine($"writer.WriteString({Utf8Literal(property.Name)});");
                        WriteValue(source, property.Type, "value." + Escape(property.Name), "writer");
                    }

                    break;

                case TypeShape.Dictionary:
                    source.WriteLine("writer.WriteMapHeader(value.Count);");
                    source.WriteLine("foreach (var pair in value)");
                    source.OpenBlock();
                    source.WriteLine("writer.Write(pair.Key);");
                    WriteValue(source, type.Element!, "pair.Value", "writer");
                    source.CloseBlock();
                    break;

                // Indexable collections are written with a for loop (no enumerator to allocate), the others with foreach:
                // the two cases are alike in shape on purpose, as the C# they emit differs only in the loop.
                case TypeShape.Collection when type.Collection is CollectionKind.Array or CollectionKind.List or CollectionKind.IList or CollectionKind.IReadOnlyList:
                    var count = type.Collection == CollectionKind.Array ? "Length" : "Count";
                    source.WriteLine($"writer.WriteArrayHeader(value.{count});");
                    source.WriteLine($"for (var i = 0; i < value.{count}; i++)");
                    source.OpenBlock();
                    WriteValue(source, type.Element!, "value[i]", "writer");
                    source.CloseBlock();
                    break;

                case TypeShape.Collection:
                    var items = "value";
                    if (type.Collection == CollectionKind.IEnumerable)
                    {
                        // Enumerate once: a lazy sequence is materialized to know its count.
                        source.WriteLine($"var items = value as global::System.Collections.Generic.ICollection<{type.Element!.FullName}> ?? new {GenericList}<{type.Element.FullName}>(value);");
                        items = "items";
                    }

                    source.WriteLine($"writer.WriteArrayHeader({items}.Count);");
                    source.WriteLine($"foreach (var item in {items})");
                    source.OpenBlock();
                    WriteValue(source, type.Element!, "item", "writer");
                    source.CloseBlock();
                    break;
            }
        }

        private void WriteDeserializerBody(SourceWriter source, TypeSpec type)
        {
            WriteNilCase(source, "reader.TryReadNil()", type.IsValueType && type.Shape != TypeShape.Nullable ? "value = default;" : "value = null;");

            switch (type.Shape)
            {
                case TypeShape.Nullable:
                    ReadValue(source, type.Element!, "reader", "nonNull", static v => $"value = {v};");
                    break;

                case TypeShape.Object:
                    WriteObjectDeserializer(source, type);
                    break;

                case TypeShape.Dictionary:
                    source.WriteLine($"var items = new global::System.Collections.Generic.Dictionary<string, {type.Element!.FullName}>();");
                    source.WriteLine("string key = null;");
                    OpenPositionedRead(source, "ReadObjectHeader");
                    source.WriteLine("for (var i = 0; i < count; i++)");
                    source.OpenBlock();
                    source.WriteLine($"key = {Wire}.ReadDictionaryKey(ref reader);");
                    ReadValue(source, type.Element, "reader", "item", static v => $"items[key] = {v};");
                    source.WriteLine("key = null;");
                    source.CloseBlock();
                    ClosePositionedRead(source, "key is not null", "AtKey(ex, key)");
                    source.WriteLine();
                    source.WriteLine("value = items;");
                    break;

                case TypeShape.Collection:
                    var isArray = type.Collection == CollectionKind.Array;
                    var isSet = type.Collection is CollectionKind.HashSet or CollectionKind.ISet or CollectionKind.IReadOnlySet;
                    source.WriteLine("var index = -1;");
                    OpenPositionedRead(source, "ReadArrayHeader");
                    source.WriteLine(isArray
                        ? $"var items = {NewArray(type.Element!.FullName, "count")};"
                        : $"var items = new {(isSet ? GenericHashSet : GenericList)}<{type.Element!.FullName}>(count);");
                    source.WriteLine("for (index = 0; index < count; index++)");
                    source.OpenBlock();
                    if (isArray)
                    {
                        ReadValue(source, type.Element, "items[index]", "reader");
                    }
                    else
                    {
                        ReadValue(source, type.Element, "reader", "item", static v => $"items.Add({v});");
                    }

                    source.CloseBlock();
                    source.WriteLine();
                    source.WriteLine("value = items;");
                    ClosePositionedRead(source, "index >= 0", "AtIndex(ex, index)");
                    break;
            }
        }

        // Nil, for writers and readers alike: handled first, and the method returns.
        private static void WriteNilCase(SourceWriter source, string isNil, string handle)
        {
            source.WriteLine($"if ({isNil})");
            source.OpenBlock();
            source.WriteLine(handle);
            source.WriteLine("return;");
            source.CloseBlock();
            source.WriteLine();
        }

        // Every map and array reader (dictionaries, collections, objects) opens a try around its header and loop; the
        // local it keeps (the key, index or member being read) puts that position on the path of an error inside.
        private static void OpenPositionedRead(SourceWriter source, string readHeader)
        {
            source.WriteLine("try");
            source.OpenBlock();
            source.WriteLine($"var count = {Wire}.{readHeader}(ref reader);");
        }

        private static void ClosePositionedRead(SourceWriter source, string positioned, string wrap)
        {
            source.CloseBlock();
            source.WriteLine($"catch (global::System.Exception ex) when ({positioned})");
            source.OpenBlock();
            source.WriteLine($"throw {Wire}.{wrap};");
            source.CloseBlock();
        }

        // Members are matched by their exact C# name (the map key the writer uses); a key that is no member, and a
        // required member (non-nullable, no default) that is missing, are errors. `member` names the member being
        // read, so an error inside its value gets the member's name on its path.
        private void WriteObjectDeserializer(SourceWriter source, TypeSpec type)
        {
            var readable = type.Properties.Where(static p => p.Assignment != PropertyAssignment.None).ToList();
            foreach (var property in readable)
            {
                var defaultValue = type.ConstructorParameters.FirstOrDefault(c => c.PropertyName == property.Name)?.DefaultValue ?? "default";
                source.WriteLine($"{property.Type.FullName} p_{property.Name} = {defaultValue};");
            }

            foreach (var property in readable.Where(static p => p.Assignment == PropertyAssignment.Setter || p.IsRequired))
            {
                source.WriteLine($"var has_{property.Name} = false;");
            }

            source.WriteLine("string member = null;");
            OpenPositionedRead(source, "ReadObjectHeader");
            source.WriteLine("for (var i = 0; i < count; i++)");
            source.OpenBlock();
            source.WriteLine($"var key = {Wire}.ReadKey(ref reader);");
            var first = true;
            foreach (var property in type.Properties)
            {
                source.WriteLine($"{(first ? "if" : "else if")} ({SequenceEqual}(key, {Utf8Literal(property.Name)}))");
                first = false;
                source.OpenBlock();
                if (property.Assignment == PropertyAssignment.None)
                {
                    // A get-only property: written, never read back.
                    source.WriteLine("reader.Skip();");
                    source.CloseBlock();
                    continue;
                }

                source.WriteLine($"member = {StringLiteral(property.Name)};");
                ReadValue(source, property.Type, $"p_{property.Name}", "reader");
                if (property.Assignment == PropertyAssignment.Setter || property.IsRequired)
                {
                    source.WriteLine($"has_{property.Name} = true;");
                }

                source.WriteLine("member = null;");
                source.CloseBlock();
            }

            source.WriteLine("else");
            source.OpenBlock();
            source.WriteLine($"throw {Wire}.UnknownMember(key, {StringLiteral(string.Join(", ", type.Properties.Select(static p => p.Name)))});");
            source.CloseBlock();
            source.CloseBlock();
            ClosePositionedRead(source, "member is not null", "AtMember(ex, member)");

            foreach (var property in readable.Where(static p => p.IsRequired))
            {
                source.WriteLine($"if (!has_{property.Name})");
                source.OpenBlock();
                source.WriteLine($"throw {Wire}.MissingMember({StringLiteral(property.Name)}, {StringLiteral(ExpectedJson(property.Type))});");
                source.CloseBlock();
            }

            source.WriteLine();

            var arguments = string.Join(", ", type.ConstructorParameters.Select(static c => "p_" + c.PropertyName));
            var initialized = readable.Where(static p => p.Assignment == PropertyAssignment.Initializer).ToList();
            if (initialized.Count == 0)
            {
                source.WriteLine($"value = new {type.FullName}({arguments});");
            }
            else
            {
                source.WriteLine($"value = new {type.FullName}({arguments})");
                source.OpenBlock();
                foreach (var property in initialized)
                {
                    source.WriteLine($"{Escape(property.Name)} = p_{property.Name},");
                }

                source.CloseBlock(";");
            }

            foreach (var property in readable.Where(static p => p.Assignment == PropertyAssignment.Setter))
            {
                source.WriteLine($"if (has_{property.Name})");
                source.OpenBlock();
                source.WriteLine($"value.{Escape(property.Name)} = p_{property.Name};");
                source.CloseBlock();
            }
        }

        // "new T[count]", with the size in the first rank for jagged arrays: new int[count][].
        private static string NewArray(string elementType, string size)
        {
            var ranks = string.Empty;
            while (elementType.EndsWith("[]", System.StringComparison.Ordinal))
            {
                elementType = elementType.Substring(0, elementType.Length - 2);
                ranks += "[]";
            }

            return $"new {elementType}[{size}]{ranks}";
        }
    }
}
