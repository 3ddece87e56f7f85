using SharpTrace.Kernel.Elf;

namespace SharpTrace.Kernel.Dwarf;

/// <summary>
/// One row of a line table: the first instruction of a source position. <see cref="File"/> indexes
/// <see cref="DwarfLineProgram.Files"/>; an end-of-sequence row marks the first address after a sequence.
/// </summary>
internal readonly record struct DwarfLineRow(ulong Address, int File, int Line, int Column, bool IsStatement, bool EndSequence);

/// <summary>
/// The line number program of one compilation unit in <c>.debug_line</c> (DWARF 2 to 5, 32- and 64-bit), run to
/// its rows: the header's directory and file tables (in DWARF 5 described by entry formats, names as inline strings,
/// <c>DW_FORM_strp</c> or <c>DW_FORM_line_strp</c>), then the standard, extended and special opcodes.
/// </summary>
internal sealed class DwarfLineProgram
{
    // Standard opcodes (DW_LNS_*).
    private const int Copy = 1, AdvancePc = 2, AdvanceLine = 3, SetFile = 4, SetColumn = 5, NegateStmt = 6;
    private const int SetBasicBlock = 7, ConstAddPc = 8, FixedAdvancePc = 9, SetPrologueEnd = 10, SetEpilogueBegin = 11, SetIsa = 12;
    // Extended opcodes (DW_LNE_*).
    private const int EndSequence = 1, SetAddress = 2, DefineFile = 3, SetDiscriminator = 4;
    // DWARF 5 entry content types (DW_LNCT_*).
    private const int ContentPath = 1, ContentDirectoryIndex = 2;

    private DwarfLineProgram(int version, IReadOnlyList<string> files, IReadOnlyList<DwarfLineRow> rows) =>
        (Version, Files, Rows) = (version, files, rows);

    /// <summary>The line table's version (2 to 5).</summary>
    public int Version { get; }

    /// <summary>
    /// The source files rows refer to, by the index rows use (in DWARF 2 to 4 index 0 is unused and empty), each
    /// as a path joined from the compilation directory, the file's directory and its name.
    /// </summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The rows in program order.</summary>
    public IReadOnlyList<DwarfLineRow> Rows { get; }

    /// <summary>
    /// Runs the program at <paramref name="offset"/> of <paramref name="sections"/>' .debug_line; relative directories
    /// are taken from <paramref name="compilationDirectory"/> (DW_AT_comp_dir).
    /// </summary>
    public static DwarfLineProgram Read(ElfSections sections, ulong offset, string? compilationDirectory)
    {
        var data = sections.Bytes(".debug_line").Span;
        if (offset >= (ulong)data.Length)
            throw new InvalidDataException($"DWARF: line table offset 0x{offset:x} outside .debug_line");
        var cursor = new DwarfCursor(data, (int)offset);
        ulong length = cursor.U32();
        var offsetSize = 4;
        if (length == 0xffffffff)
        {
            length = cursor.U64();
            offsetSize = 8;
        }
        var end = checked(cursor.Position + (int)length);
        if (end > data.Length)
            throw new InvalidDataException($"DWARF: line table at 0x{offset:x} runs past .debug_line");
        int version = cursor.U16();
        if (version is < 2 or > 5)
            throw new InvalidDataException($"DWARF: line table at 0x{offset:x} has version {version}");
        var addressSize = 8;
        if (version >= 5)
        {
            addressSize = cursor.U8();
            cursor.U8(); // segment selector size
        }
        var headerLength = cursor.Sized(offsetSize);
        var programStart = checked(cursor.Position + (int)headerLength);
        var header = new Header
        {
            MinimumInstructionLength = cursor.U8(),
            MaximumOperations = version >= 4 ? Math.Max((int)cursor.U8(), 1) : 1,
            DefaultIsStatement = cursor.U8() != 0,
            LineBase = (sbyte)cursor.U8(),
            LineRange = cursor.U8(),
            OpcodeBase = cursor.U8(),
        };
        if (header.LineRange == 0)
            throw new InvalidDataException($"DWARF: line table at 0x{offset:x} has a line range of 0");
        header.StandardOpcodeLengths = cursor.Take(Math.Max(header.OpcodeBase - 1, 0)).ToArray();

        var files = new List<string>();
        if (version >= 5)
        {
            var strings = new EntryStrings(sections, offsetSize);
            var directories = ReadEntries(ref cursor, strings).Select(e => e.Path).ToList();
            var compDir = directories.Count > 0 ? directories[0] : compilationDirectory ?? "";
            foreach (var (path, directory) in ReadEntries(ref cursor, strings))
                files.Add(Join(compDir, directory < directories.Count ? directories[directory] : "", path));
        }
        else
        {
            var directories = new List<string> { compilationDirectory ?? "" };
            while (cursor.CString() is { Length: > 0 } directory)
                directories.Add(directory);
            files.Add("");
            while (cursor.CString() is { Length: > 0 } name)
            {
                var directory = (int)cursor.Uleb();
                cursor.Uleb(); // modification time
                cursor.Uleb(); // length
                files.Add(Join(directories[0], directory < directories.Count ? directories[directory] : "", name));
            }
            header.Directories = directories;
        }
        cursor.Position = programStart;
        var rows = Run(ref cursor, end, header, files, addressSize);
        return new DwarfLineProgram(version, files, rows);
    }

    private static List<DwarfLineRow> Run(ref DwarfCursor cursor, int end, Header header, List<string> files, int addressSize)
    {
        var rows = new List<DwarfLineRow>();
        var state = new State(header.DefaultIsStatement);
        while (cursor.Position < end)
        {
            var opcode = cursor.U8();
            if (opcode >= header.OpcodeBase)
            {
                var adjusted = opcode - header.OpcodeBase;
                state.Advance(header, (ulong)(adjusted / header.LineRange));
                state.Line += header.LineBase + adjusted % header.LineRange;
                rows.Add(state.Row(endSequence: false));
                continue;
            }
            switch (opcode)
            {
                case 0:
                    var length = (int)cursor.Uleb();
                    if (length == 0)
                        break;
                    var next = cursor.Position + length;
                    switch (cursor.U8())
                    {
                        case EndSequence:
                            rows.Add(state.Row(endSequence: true));
                            state = new State(header.DefaultIsStatement);
                            break;
                        case SetAddress:
                            state.Address = cursor.Sized(length - 1 is 4 or 8 ? length - 1 : addressSize);
                            state.OperationIndex = 0;
                            break;
                        case DefineFile:
                            var name = cursor.CString();
                            var directory = (int)cursor.Uleb();
                            var dirs = header.Directories;
                            files.Add(Join(dirs.Count > 0 ? dirs[0] : "", directory < dirs.Count ? dirs[directory] : "", name));
                            break;
                        case SetDiscriminator:
                            break;
                    }
                    cursor.Position = next;
                    break;
                case Copy:
                    rows.Add(state.Row(endSequence: false));
                    break;
                case AdvancePc:
                    state.Advance(header, cursor.Uleb());
                    break;
                case AdvanceLine:
                    state.Line += (int)cursor.Sleb();
                    break;
                case SetFile:
                    state.File = (int)cursor.Uleb();
                    break;
                case SetColumn:
                    state.Column = (int)cursor.Uleb();
                    break;
                case NegateStmt:
                    state.IsStatement = !state.IsStatement;
                    break;
                case SetBasicBlock or SetPrologueEnd or SetEpilogueBegin:
                    break;
                case ConstAddPc:
                    state.Advance(header, (ulong)((255 - header.OpcodeBase) / header.LineRange));
                    break;
                case FixedAdvancePc:
                    state.Address += cursor.U16();
                    state.OperationIndex = 0;
                    break;
                case SetIsa:
                    cursor.Uleb();
                    break;
                default:
                    // An opcode newer than this reader: its operand count is in the header.
                    for (var i = 0; i < header.StandardOpcodeLengths[opcode - 1]; i++)
                        cursor.Uleb();
                    break;
            }
        }
        return rows;
    }

    /// <summary>A DWARF 5 directory or file table: each entry's path and directory index (other contents skipped).</summary>
    private static List<(string Path, int Directory)> ReadEntries(ref DwarfCursor cursor, EntryStrings strings)
    {
        var formatCount = cursor.U8();
        var formats = new (ulong Content, int Form)[formatCount];
        for (var i = 0; i < formatCount; i++)
            formats[i] = (cursor.Uleb(), (int)cursor.Uleb());
        var count = cursor.Uleb();
        var entries = new List<(string, int)>();
        for (ulong n = 0; n < count; n++)
        {
            var (path, directory) = ("", 0);
            foreach (var (content, form) in formats)
            {
                var value = ReadForm(ref cursor, form, strings);
                if (content == ContentPath)
                    path = value.Text ?? "";
                else if (content == ContentDirectoryIndex)
                    directory = (int)value.Number;
            }
            entries.Add((path, directory));
        }
        return entries;
    }

    private static (ulong Number, string? Text) ReadForm(ref DwarfCursor cursor, int form, EntryStrings strings)
    {
        switch (form)
        {
            case DwarfForm.String: return (0, cursor.CString());
            case DwarfForm.LineStrp: return (0, DwarfCursor.StringAt(strings.LineStrings, cursor.Sized(strings.OffsetSize)));
            case DwarfForm.Strp: return (0, DwarfCursor.StringAt(strings.Strings, cursor.Sized(strings.OffsetSize)));
            case DwarfForm.StrpSup: cursor.Sized(strings.OffsetSize); return (0, null);
            case DwarfForm.Strx or DwarfForm.Udata: return (cursor.Uleb(), null);
            case DwarfForm.Strx1 or DwarfForm.Data1: return (cursor.U8(), null);
            case DwarfForm.Strx2 or DwarfForm.Data2: return (cursor.U16(), null);
            case DwarfForm.Strx3: return (cursor.U24(), null);
            case DwarfForm.Strx4 or DwarfForm.Data4: return (cursor.U32(), null);
            case DwarfForm.Data8: return (cursor.U64(), null);
            case DwarfForm.Data16: cursor.Skip(16); return (0, null);
            case DwarfForm.Block: cursor.Skip(cursor.Uleb()); return (0, null);
            default: throw new InvalidDataException($"DWARF: unexpected form 0x{form:x} in a line table entry");
        }
    }

    /// <summary>A file's path: its name when absolute, else under its directory, itself under the compilation directory when relative.</summary>
    private static string Join(string compilationDirectory, string directory, string name)
    {
        if (name.StartsWith('/'))
            return name;
        var full = directory.StartsWith('/') || compilationDirectory.Length == 0 ? directory
            : directory.Length == 0 ? compilationDirectory : compilationDirectory.TrimEnd('/') + "/" + directory;
        return full.Length == 0 ? name : full.TrimEnd('/') + "/" + name;
    }

    private sealed class Header
    {
        public int MinimumInstructionLength { get; init; }
        public int MaximumOperations { get; init; }
        public bool DefaultIsStatement { get; init; }
        public int LineBase { get; init; }
        public int LineRange { get; init; }
        public int OpcodeBase { get; init; }
        public byte[] StandardOpcodeLengths { get; set; } = [];

        /// <summary>DWARF 2 to 4: the include directories, index 0 the compilation directory (for DW_LNE_define_file).</summary>
        public IReadOnlyList<string> Directories { get; set; } = [];
    }

    /// <summary>The state machine's registers.</summary>
    private struct State(bool isStatement)
    {
        public ulong Address;
        public int OperationIndex;
        public int File = 1;
        public int Line = 1;
        public int Column;
        public bool IsStatement = isStatement;

        // VLIW targets pack several operations in one instruction: the address moves by whole instructions.
        public void Advance(Header header, ulong operations)
        {
            var total = (ulong)OperationIndex + operations;
            Address += (ulong)header.MinimumInstructionLength * (total / (ulong)header.MaximumOperations);
            OperationIndex = (int)(total % (ulong)header.MaximumOperations);
        }

        public readonly DwarfLineRow Row(bool endSequence) => new(Address, File, Line, Column, IsStatement, endSequence);
    }

    private readonly ref struct EntryStrings(ElfSections sections, int offsetSize)
    {
        public ReadOnlySpan<byte> Strings { get; } = sections.Bytes(".debug_str").Span;
        public ReadOnlySpan<byte> LineStrings { get; } = sections.Bytes(".debug_line_str").Span;
        public int OffsetSize { get; } = offsetSize;
    }
}
