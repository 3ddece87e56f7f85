using System.Text;

namespace SharpTrace.Kernel;

/// <summary>Kernel object names (maps, programs): at most 15 characters of [A-Za-z0-9_.].</summary>
internal static class ObjectName
{
    public const int Capacity = 16; // BPF_OBJ_NAME_LEN, including the terminating NUL

    /// <summary>Replaces characters the kernel refuses by '_' and truncates, so "@x" becomes "_x".</summary>
    public static string Sanitize(string name)
    {
        var builder = new StringBuilder(Math.Min(name.Length, Capacity - 1));
        foreach (var c in name)
        {
            if (builder.Length == Capacity - 1)
                break;
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' ? c : '_');
        }
        return builder.ToString();
    }

    /// <summary>Writes the sanitized name NUL-terminated into a BPF_OBJ_NAME_LEN field.</summary>
    public static unsafe void Write(string name, byte* field)
    {
        var sanitized = Sanitize(name);
        for (var i = 0; i < Capacity; i++)
            field[i] = i < sanitized.Length ? (byte)sanitized[i] : (byte)0;
    }

    /// <summary>Reads a NUL-terminated BPF_OBJ_NAME_LEN field.</summary>
    public static unsafe string Read(byte* field)
    {
        var length = 0;
        while (length < Capacity && field[length] != 0)
            length++;
        return Encoding.ASCII.GetString(field, length);
    }
}
