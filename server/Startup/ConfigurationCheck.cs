using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace RenderFarm.Server.Startup;

/// <summary>
/// Reads the <c>RenderFarm</c> section before anything starts and says what is wrong with it,
/// one line per mistake: a key that is no setting (with the nearest one), a value that does
/// not convert, a value out of range or at odds with another. The binder's own exceptions
/// would end the process with a stack trace instead.
/// </summary>
public static class ConfigurationCheck
{
    private static readonly PropertyInfo[] Settings = typeof(RenderFarmOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite)
        .ToArray();

    /// <summary>Empty when the section can be used as it is.</summary>
    public static IReadOnlyList<string> Errors(IConfiguration configuration)
    {
        var section = configuration.GetSection(RenderFarmOptions.Section);
        var errors = new List<string>();
        foreach (var child in section.GetChildren())
        {
            if (Error(child) is { } error)
            {
                errors.Add(error);
            }
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var options = section.Get<RenderFarmOptions>() ?? new RenderFarmOptions();
        var results = new List<ValidationResult>();
        // Checks the attributes, then (when they hold) the relations in RenderFarmOptions.Validate.
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return [.. results.Select(r => r.ErrorMessage ?? $"{RenderFarmOptions.Section}: invalid setting")];
    }

    private static string? Error(IConfigurationSection child)
    {
        var key = $"{RenderFarmOptions.Section}:{child.Key}";
        var setting = Settings.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
        if (setting is null)
        {
            var nearest = NearestKey.Among(Settings.Select(p => p.Name), child.Key);
            return $"{key} is not a setting; did you mean {RenderFarmOptions.Section}:{nearest}? (in the environment: {RenderFarmOptions.Section}__{nearest})";
        }

        var type = Nullable.GetUnderlyingType(setting.PropertyType) ?? setting.PropertyType;
        if (type.IsGenericType && !string.IsNullOrEmpty(child.Value))
        {
            // The binder would drop a plain value for a list without a word: RenderFarm__Tokens=secret would
            // leave the server without authentication.
            return $"{key} is a list: give each item its index, {key}:0 (in the environment: " +
                $"{RenderFarmOptions.Section}__{setting.Name}__0).";
        }

        if (type == typeof(string) || type.IsGenericType || child.Value is null or "")
        {
            // Strings take anything; lists (Tokens:0, Tokens:1, …) and empty values keep their defaults.
            return null;
        }

        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(child.Value);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException || e.InnerException is FormatException or OverflowException)
        {
            return type == typeof(TimeSpan)
                ? $"{key} must be a duration written hh:mm:ss (00:00:30 is 30 seconds), was '{child.Value}'."
                : type == typeof(int)
                    ? $"{key} must be a whole number, was '{child.Value}'."
                    : $"{key} must be a {type.Name}, was '{child.Value}'.";
        }
    }
}
