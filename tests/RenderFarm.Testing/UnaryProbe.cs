using Grpc.Core;

namespace RenderFarm.Testing;

/// <summary>Calls an rpc by name with an empty request, to see whether the server binds it at all.</summary>
public static class UnaryProbe
{
    /// <summary>The call's status: what the service says of an empty request, or UNIMPLEMENTED when nothing is bound.</summary>
    public static async Task<StatusCode> StatusAsync(CallInvoker invoker, string service, string method)
    {
        var bytes = Marshallers.Create(b => b, b => b);
        var call = new Method<byte[], byte[]>(MethodType.Unary, service, method, bytes, bytes);
        try
        {
            await invoker.AsyncUnaryCall(call, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)), []);
            return StatusCode.OK;
        }
        catch (RpcException error)
        {
            return error.StatusCode;
        }
    }
}
