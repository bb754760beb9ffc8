using System.Text;

namespace RenderFarm.Server.Exposition;

/// <summary>Escaping of the Prometheus text exposition format (version 0.0.4).</summary>
public static class LabelText
{
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
}
