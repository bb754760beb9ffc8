namespace RenderFarm.LoadGenerator;

/// <summary>Where simulated instances send their state: the RenderFarm server, or a Pushgateway for comparison.</summary>
public interface IReportTarget : IAsyncDisposable
{
    string Description { get; }

    /// <summary>Sends the instance's next report; returns the heartbeat interval the server asks for, if it says one.</summary>
    Task<TimeSpan?> ReportAsync(SimulatedInstance instance, CancellationToken cancellationToken);

    /// <summary>A clean exit: the instance asks to be forgotten at once.</summary>
    Task SignOffAsync(SimulatedInstance instance, CancellationToken cancellationToken);
}
