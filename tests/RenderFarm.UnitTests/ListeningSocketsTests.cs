using RenderFarm.Testing;

namespace RenderFarm.UnitTests;

/// <summary>How the harness reads a child's ports from the kernel's TCP tables (the parsing; the reading is the integration tier's).</summary>
public sealed class ListeningSocketsTests
{
    // /proc/net/tcp6 as Linux writes it: a v6 listener on [::]:50051 (inode 1600), one on [::1]:8000 (inode 1601), an
    // established connection from port 8000 (inode 1602), and a listener of another process (inode 9999).
    private const string Table = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000000000000000000000000000:C383 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1600 1 0000000000000000 100 0 0 10 0
           1: 00000000000000000000000001000000:1F40 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1601 1 0000000000000000 100 0 0 10 0
           2: 0000000000000000FFFF00000100007F:1F40 0000000000000000FFFF00000100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 1602 1 0000000000000000 20 4 30 10 -1
           3: 00000000000000000000000000000000:2382 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9999 1 0000000000000000 100 0 0 10 0
        """;

    [Fact]
    public void Only_the_listening_sockets_of_the_process_count_with_their_ports_read_as_hexadecimal()
    {
        var ports = ListeningSockets.ListeningPorts(Table, new HashSet<long> { 1600, 1601, 1602 }).Order();

        Assert.Equal([8000, 50051], ports);
    }

    [Fact]
    public void A_process_with_no_socket_in_the_table_listens_on_nothing()
    {
        Assert.Empty(ListeningSockets.ListeningPorts(Table, new HashSet<long> { 42 }));
        Assert.Empty(ListeningSockets.ListeningPorts("  sl  local_address rem_address   st\n", new HashSet<long> { 1600 }));
    }
}
