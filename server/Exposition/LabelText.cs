using System.Text;

namespace RenderFarm.Server.Exposition;

/// <summary>Label and help text of the Prometheus text exposition format (version 0.0.4).</summary>
public static class LabelText
{
    /// <summary>UTF-8 of <c>name="value",…</c>, every value escaped.</summary>
    public static byte[] Encode(params ReadOnlySpan<(string Name, string Value)> labels)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in labels)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(name).Append("=\"").Append(Escape(value)).Append('"');
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>Escapes a label value: backslash, double quote and line feed.</summary>
    public static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny("\\\"\n") < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    /// <summary>Escapes a family's help text: backslash and line feed.</summary>
    public static string EscapeHelp(string help) => help.Replace("\\", "\\\\").Replace("\n", "\\n");
}
