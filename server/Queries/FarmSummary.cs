namespace RenderFarm.Server.Queries;

/// <summary>Counts over a list of instances: what a wall screen shows first.</summary>
public sealed record FarmSummary(int Instances, int Rendering, int Idle, int Hosts)
{
    /// <summary>Hosts with at least one instance rendering.</summary>
    /// <remarks>Not a constructor parameter: a reader of an older server's answer (the check command) finds it absent, not malformed.</remarks>
    public int HostsRendering { get; init; }

    /// <summary>Instances rendering (counted in <see cref="Rendering"/>) whose render is stalled.</summary>
    public int Stalled { get; init; }

    /// <summary>Hosts none of whose instances is rendering.</summary>
    public int HostsIdle => Hosts - HostsRendering;

    public static FarmSummary Of(IEnumerable<InstanceView> instances)
    {
        var counter = new Counter();
        foreach (var instance in instances)
        {
            counter.Add(instance.Host, instance.State.Renders(), instance.State == InstanceState.Stalled);
        }

        return counter.ToSummary();
    }

    /// <summary>Counts instances one at a time, so a reader can count every match while it keeps only one page of them.</summary>
    public sealed class Counter
    {
        // Per host: whether any of its instances renders.
        private readonly Dictionary<string, bool> _hosts = new(StringComparer.Ordinal);
        private int _instances;
        private int _rendering;
        private int _stalled;

        public void Add(string host, bool rendering, bool stalled = false)
        {
            _instances++;
            _stalled += rendering && stalled ? 1 : 0;
            if (rendering)
            {
                _rendering++;
                _hosts[host] = true;
            }
            else
            {
                _hosts.TryAdd(host, false);
            }
        }

        public FarmSummary ToSummary() =>
            new(_instances, _rendering, _instances - _rendering, _hosts.Count) { HostsRendering = _hosts.Count(h => h.Value), Stalled = _stalled };
    }
}
