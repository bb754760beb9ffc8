using Microsoft.Extensions.Logging.Abstractions;
using RenderFarm.Server.Ingest;

namespace RenderFarm.UnitTests;

public sealed class TokenStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("renderfarm-tokens-").FullName;
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Without_tokens_no_authentication_is_required()
    {
        using var store = NewStore(new RenderFarmOptions());

        Assert.False(store.Required);
    }

    [Fact]
    public void Every_configured_token_is_accepted_and_nothing_else()
    {
        using var store = NewStore(new RenderFarmOptions { Tokens = ["current", "next"] });

        Assert.True(store.Required);
        Assert.True(store.Accepts("current"));
        Assert.True(store.Accepts("next"));
        Assert.False(store.Accepts("curren"));
        Assert.False(store.Accepts(""));
    }

    [Fact]
    public void Tokens_file_lines_are_tokens_except_blanks_and_comments()
    {
        using var store = FileStore("# rotated monthly", "", "  from-file  ");

        Assert.True(store.Accepts("from-file"));
        Assert.False(store.Accepts("# rotated monthly"));
    }

    [Fact]
    public void Changed_tokens_file_is_picked_up_once_it_stayed_the_same_for_a_check_interval()
    {
        var file = WriteTokens("old");
        using var store = NewStore(new RenderFarmOptions { TokensFile = file });
        Assert.True(store.Accepts("old"));

        WriteTokens("new-token");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
        Assert.True(store.Accepts("old"));

        // The first look sees the change, the next one an interval later finds it unchanged and applies it.
        _time.Advance(TokenStore.FileCheckInterval);
        Assert.True(store.Accepts("old"));
        Assert.False(store.Accepts("new-token"));
        _time.Advance(TokenStore.FileCheckInterval);
        Assert.True(store.Accepts("new-token"));
        Assert.False(store.Accepts("old"));
    }

    [Fact]
    public void A_line_rewritten_in_place_in_two_writes_never_widens_its_scope()
    {
        var file = WriteTokens("tokA node-a");
        using var store = NewStore(new RenderFarmOptions { TokensFile = file });

        // The rewrite's first write: the token without its host list yet, which alone would read as farm-wide.
        File.WriteAllText(file, "tokA");
        _time.Advance(TokenStore.FileCheckInterval);
        Assert.False(store.ScopeOf("tokA")!.Allows("node-b"));
        // The second write, 0.4 s later: the line complete again.
        _time.Advance(TimeSpan.FromMilliseconds(400));
        File.WriteAllText(file, "tokA node-a,node-c\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(3));
        for (var look = 0; look < 3; look++)
        {
            _time.Advance(TokenStore.FileCheckInterval);
            Assert.False(store.ScopeOf("tokA")!.Allows("node-b"));
        }

        Assert.True(store.ScopeOf("tokA")!.Allows("node-c"));
    }

    [Fact]
    public void A_truncate_then_write_rewrite_locks_no_reporter_out()
    {
        var file = WriteTokens("kept node-a");
        using var store = NewStore(new RenderFarmOptions { TokensFile = file });

        File.WriteAllText(file, "");
        _time.Advance(TokenStore.FileCheckInterval);
        Assert.True(store.Accepts("kept"));
        File.WriteAllText(file, "kept node-a\nadded\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(3));
        _time.Advance(TokenStore.FileCheckInterval);
        Assert.True(store.Accepts("kept"));
        _time.Advance(TokenStore.FileCheckInterval);
        Assert.True(store.Accepts("kept"));
        Assert.True(store.Accepts("added"));
    }

    [Fact]
    public void A_line_with_more_host_patterns_than_the_cap_is_left_out()
    {
        var many = string.Join(',', Enumerable.Range(0, 3000).Select(n => $"render-{n}"));
        var most = string.Join(',', Enumerable.Range(0, HostScope.MaxPatterns).Select(n => $"gpu-{n}"));
        using var store = FileStore($"too-many {many}", $"at-the-cap {most}");

        Assert.Null(store.ScopeOf("too-many"));
        Assert.True(store.ScopeOf("at-the-cap")!.Allows($"gpu-{HostScope.MaxPatterns - 1}"));
        Assert.StartsWith($"3000 host patterns, at most {HostScope.MaxPatterns} on one line", HostScope.Parse(many, out var error) is null ? error : "");
    }

    [Fact]
    public void Scoped_tokens_file_line_grants_only_its_hosts()
    {
        using var store = FileStore("s3cr3t render-*,gpu-07", "farm-wide", "tabbed\tgpu-*");

        var scope = store.ScopeOf("s3cr3t")!;
        Assert.True(scope.Allows("render-01"));
        Assert.True(scope.Allows("render-"));
        Assert.True(scope.Allows("gpu-07"));
        Assert.False(scope.Allows("gpu-08"));
        Assert.False(scope.Allows("Render-01"));
        Assert.False(scope.Allows("xrender-01"));
        Assert.True(store.ScopeOf("farm-wide")!.Allows("anything"));
        Assert.True(store.ScopeOf("tabbed")!.Allows("gpu-3"));
        Assert.Null(store.ScopeOf("s3cr3t render-*,gpu-07"));
    }

    [Theory]
    [InlineData("bad render 01")]
    [InlineData("bad render-*,")]
    [InlineData("bad node/1")]
    public void Line_with_a_bad_host_pattern_is_left_out(string line)
    {
        using var store = FileStore(line, "good");

        Assert.Null(store.ScopeOf("bad"));
        Assert.True(store.Accepts("good"));
    }

    [Theory]
    [InlineData("*", "node", true)]
    [InlineData("*-07", "gpu-07", true)]
    [InlineData("*-07", "gpu-070", false)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("node", "node1", false)]
    public void Host_pattern_star_stands_for_any_run_of_characters(string pattern, string host, bool allowed)
    {
        Assert.Equal(allowed, HostScope.Parse(pattern, out _)!.Allows(host));
    }

    [Fact]
    public void Empty_tokens_file_still_requires_authentication()
    {
        using var store = FileStore();

        Assert.True(store.Required);
        Assert.False(store.Accepts(""));
    }

    [Fact]
    public void Vanished_tokens_file_keeps_the_tokens_loaded_before()
    {
        var file = WriteTokens("kept");
        using var store = NewStore(new RenderFarmOptions { TokensFile = file });

        File.Delete(file);
        _time.Advance(TokenStore.FileCheckInterval);

        Assert.True(store.Accepts("kept"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private TokenStore NewStore(RenderFarmOptions options) =>
        new(new FixedOptionsMonitor(options), _time, NullLogger<TokenStore>.Instance);

    private TokenStore FileStore(params string[] lines) => NewStore(new RenderFarmOptions { TokensFile = WriteTokens(lines) });

    private string WriteTokens(params string[] lines)
    {
        var path = Path.Combine(_directory, "tokens");
        File.WriteAllLines(path, lines);
        return path;
    }

    private sealed class FixedOptionsMonitor(RenderFarmOptions value) : IOptionsMonitor<RenderFarmOptions>
    {
        public RenderFarmOptions CurrentValue => value;

        public RenderFarmOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<RenderFarmOptions, string?> listener) => null;
    }
}
