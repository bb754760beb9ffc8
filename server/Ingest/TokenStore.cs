using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace RenderFarm.Server.Ingest;

/// <summary>
/// The bearer tokens reporters may present: RenderFarm:Tokens (read at start, like all
/// configuration; any host) plus the lines of RenderFarm:TokensFile, re-read when the file
/// changes, so tokens rotate without a restart. A file line is <c>token</c> (any host) or
/// <c>token pattern[,pattern…]</c> (those hosts only, see <see cref="HostScope"/>). Only
/// SHA-256 hashes are kept, and every check compares against all of them in constant time.
/// </summary>
/// <remarks>
/// A changed file is applied only once it has stayed the same (times, length and content) from one look to the next,
/// a <see cref="FileCheckInterval"/> or more apart: a file read while it is being rewritten (half a line, or empty
/// between a truncate and a write) is never taken as final, and the tokens before stay in force meanwhile. At start
/// the file is applied as it is.
/// </remarks>
public sealed partial class TokenStore : IDisposable
{
    /// <summary>How often a request may look at the token file's modification time.</summary>
    public static readonly TimeSpan FileCheckInterval = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _timeProvider;
    private readonly ILogger<TokenStore> _logger;
    private readonly IDisposable? _reloadSubscription;
    private readonly Lock _fileLock = new();
    private TokenGrant[] _configured = [];
    private TokenGrant[] _fileGrants = [];
    private string? _filePath;
    private FileVersion? _fileApplied;
    private FileVersion? _filePending;
    private long _nextFileCheck;

    public TokenStore(IOptionsMonitor<RenderFarmOptions> options, TimeProvider timeProvider, ILogger<TokenStore> logger)
    {
        _timeProvider = timeProvider;
        _logger = logger;
        Apply(options.CurrentValue);
        _reloadSubscription = options.OnChange(Apply);
    }

    /// <summary>False when neither Tokens nor TokensFile is configured: anyone may report.</summary>
    public bool Required => _filePath is not null || Volatile.Read(ref _configured).Length > 0;

    public bool Accepts(string token) => ScopeOf(token) is not null;

    /// <summary>The hosts <paramref name="token"/> may write for; null when the server does not accept it.</summary>
    public HostScope? ScopeOf(string token)
    {
        RefreshFileIfDue();
        var presented = Hash(token);
        HostScope? scope = null;
        // Every hash is compared, matched or not: the time taken says nothing about which one matched.
        foreach (var grant in Volatile.Read(ref _configured))
        {
            scope = CryptographicOperations.FixedTimeEquals(presented, grant.Hash) ? scope ?? grant.Scope : scope;
        }

        foreach (var grant in Volatile.Read(ref _fileGrants))
        {
            scope = CryptographicOperations.FixedTimeEquals(presented, grant.Hash) ? scope ?? grant.Scope : scope;
        }

        return scope;
    }

    public void Dispose() => _reloadSubscription?.Dispose();

    private void Apply(RenderFarmOptions options)
    {
        Volatile.Write(ref _configured,
            [.. options.Tokens.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => new TokenGrant(Hash(t.Trim()), HostScope.AnyHost))]);
        lock (_fileLock)
        {
            _filePath = string.IsNullOrEmpty(options.TokensFile) ? null : options.TokensFile;
            _fileApplied = _filePending = null;
            _nextFileCheck = 0;
        }

        RefreshFileIfDue();
    }

    private void RefreshFileIfDue()
    {
        if (_filePath is null || _timeProvider.GetTimestamp() < Interlocked.Read(ref _nextFileCheck))
        {
            return;
        }

        lock (_fileLock)
        {
            var now = _timeProvider.GetTimestamp();
            if (_filePath is null || now < _nextFileCheck)
            {
                return;
            }

            _nextFileCheck = now + (long)(FileCheckInterval.TotalSeconds * _timeProvider.TimestampFrequency);
            try
            {
                // Kubernetes swaps a Secret's files through a symlink; FileInfo and the read follow it.
                var info = new FileInfo(_filePath);
                var content = File.ReadAllBytes(_filePath);
                var version = new FileVersion(info.LastWriteTimeUtc, info.Length, Convert.ToHexString(SHA256.HashData(content)));
                if (version == _fileApplied)
                {
                    _filePending = null;
                    return;
                }

                // Changed since it was applied: applied when this look finds what the previous one did (at start, at once).
                if (_fileApplied is not null && version != _filePending)
                {
                    _filePending = version;
                    return;
                }

                var grants = ReadGrants(_filePath, content);
                Volatile.Write(ref _fileGrants, grants);
                (_fileApplied, _filePending) = (version, null);
                var scoped = grants.Count(g => g.Scope != HostScope.AnyHost);
                LogTokensLoaded(grants.Length, scoped, _filePath);
            }
            catch (IOException e)
            {
                // Keep the tokens we had: locking every reporter out, or letting anyone in, would be worse.
                LogTokensFileUnreadable(_filePath, e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                LogTokensFileUnreadable(_filePath, e.Message);
            }
        }
    }

    /// <summary>The file's grants; a line whose host patterns are wrong is left out (its token is refused) and logged, without the token.</summary>
    private TokenGrant[] ReadGrants(string path, byte[] content)
    {
        var grants = new List<TokenGrant>();
        var lines = Encoding.UTF8.GetString(content).TrimStart('\uFEFF').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var split = line.IndexOfAny([' ', '\t']);
            if (split < 0)
            {
                grants.Add(new TokenGrant(Hash(line), HostScope.AnyHost));
            }
            else if (HostScope.Parse(line[split..].Trim(), out var error) is { } scope)
            {
                grants.Add(new TokenGrant(Hash(line[..split]), scope));
            }
            else
            {
                LogTokensLineRefused(path, i + 1, error!);
            }
        }

        return [.. grants];
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private sealed record TokenGrant(byte[] Hash, HostScope Scope);

    /// <summary>What tells one state of the tokens file from another.</summary>
    private sealed record FileVersion(DateTime Modified, long Length, string ContentHash);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} reporter token(s) from {Path}, {Scoped} of them for some hosts only")]
    private partial void LogTokensLoaded(int count, int scoped, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tokens file {Path} line {Line} is left out, its token refused: {Reason}")]
    private partial void LogTokensLineRefused(string path, int line, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read the tokens file {Path}, keeping the tokens loaded before: {Reason}")]
    private partial void LogTokensFileUnreadable(string path, string reason);
}
