using Google.Protobuf;
using Grpc.Core;

namespace RenderFarm.Server;

/// <summary>
/// gRPC method definitions whose request marshaller turns bytes that are not the expected
/// message into INVALID_ARGUMENT. With the generated marshallers such a request surfaces as
/// UNKNOWN and logs an error with a stack trace each time: anyone could flood the log.
/// </summary>
public static class StrictProtobufMethods
{
    public static Method<TRequest, TResponse> Unary<TRequest, TResponse>(Google.Protobuf.Reflection.ServiceDescriptor service, string name)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new() =>
        new(MethodType.Unary, service.FullName, name, RequestMarshaller<TRequest>(), ResponseMarshaller<TResponse>());

    private static Marshaller<T> RequestMarshaller<T>()
        where T : IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        var messageName = new T().Descriptor.FullName;
        return Marshallers.Create<T>(
            (message, context) => context.Complete(message.ToByteArray()),
            context =>
            {
                try
                {
                    return parser.ParseFrom(context.PayloadAsReadOnlySequence());
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"request: not a valid {messageName} ({e.Message})"));
                }
            });
    }

    private static Marshaller<T> ResponseMarshaller<T>()
        where T : IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create<T>(
            (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));
    }
}
