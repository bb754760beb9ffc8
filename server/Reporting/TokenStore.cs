using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace RenderFarm.Server.Reporting;

/// <summary>
/// The bearer tokens reporters may present: RenderFarm:Tokens (reloaded with the
/// configuration) plus the lines of RenderFarm:TokensFile, re-read when the file changes,
/// so tokens rotate without a restart. Only SHA-256 hashes are kept, and every check
/// compares against all of them in constant time.
/// </summary>
public sealed partial class TokenStore : IDisposable
{
    /// <summary>How often a request may look at the token file's modification time.</summary>
    public static readonly TimeSpan FileCheckInterval = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _timeProvider;
    private readonly ILogger<TokenStore> _logger;
    private readonly IDisposable? _reloadSubscription;
    private readonly Lock _fileLock = new();
    private byte[][] _configuredHashes = [];
    private byte[][] _fileHashes = [];
    private string? _filePath;
    private (DateTime Modified, long Length) _fileStamp;
    private long _nextFileCheck;

    public TokenStore(IOptionsMonitor<RenderFarmOptions> options, TimeProvider timeProvider, ILogger<TokenStore> logger)
    {
        _timeProvider = timeProvider;
        _logger = logger;
        Apply(options.CurrentValue);
        _reloadSubscription = options.OnChange(Apply);
    }

    /// <summary>False when neither Tokens nor TokensFile is configured: anyone may report.</summary>
    public bool Required => _filePath is not null || Volatile.Read(ref _configuredHashes).Length > 0;

    public bool Accepts(string token)
    {
        RefreshFileIfDue();
        var presented = Hash(token);
        var match = false;
        foreach (var hash in Volatile.Read(ref _configuredHashes))
        {
            match |= CryptographicOperations.FixedTimeEquals(presented, hash);
        }

        foreach (var hash in Volatile.Read(ref _fileHashes))
        {
            match |= CryptographicOperations.FixedTimeEquals(presented, hash);
        }

        return match;
    }

    public void Dispose() => _reloadSubscription?.Dispose();

    private void Apply(RenderFarmOptions options)
    {
        Volatile.Write(ref _configuredHashes, [.. options.Tokens.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => Hash(t.Trim()))]);
        lock (_fileLock)
        {
            _filePath = string.IsNullOrEmpty(options.TokensFile) ? null : options.TokensFile;
            _fileStamp = default;
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
                // Kubernetes swaps a Secret's files through a symlink; FileInfo follows it.
                var info = new FileInfo(_filePath);
                var stamp = (info.LastWriteTimeUtc, info.Length);
                if (stamp == _fileStamp)
                {
                    return;
                }

                var tokens = File.ReadAllLines(_filePath)
                    .Select(line => line.Trim())
                    .Where(line => line.Length > 0 && !line.StartsWith('#'))
                    .ToArray();
                Volatile.Write(ref _fileHashes, [.. tokens.Select(Hash)]);
                _fileStamp = stamp;
                LogTokensLoaded(tokens.Length, _filePath);
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

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} reporter token(s) from {Path}")]
    private partial void LogTokensLoaded(int count, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read the tokens file {Path}, keeping the tokens loaded before: {Reason}")]
    private partial void LogTokensFileUnreadable(string path, string reason);
}
