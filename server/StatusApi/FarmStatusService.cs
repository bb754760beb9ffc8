using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RenderFarm.Contracts.V1;
using RenderFarm.Server.Queries;
using RenderFarm.Server.Registry;

namespace RenderFarm.Server.StatusApi;

/// <summary>
/// The gRPC face of the status API, for native gRPC and gRPC-Web alike. Bound by
/// <see cref="FarmStatusMethods"/> for strict request parsing.
/// </summary>
public sealed class FarmStatusService(FarmStatusReader reader)
{
    public Task<ListInstancesReply> ListInstances(ListInstancesRequest request, ServerCallContext context)
    {
        if (!string.IsNullOrEmpty(request.Host))
        {
            ThrowIfInvalid(IdentityRules.Error("host", request.Host));
        }

        var filter = new StatusFilter(string.IsNullOrEmpty(request.Host) ? null : request.Host, ToState(request.State));
        ThrowIfInvalid(InstancePage.TryResolveSize(request.PageSize, out var pageSize) is { } sizeError ? "page_size: " + sizeError : null);
        ThrowIfInvalid(reader.TryPage(new InstanceQuery(filter, InstanceOrder.Default), pageSize, request.PageToken, out var page)
            is { } tokenError ? "page_token: " + tokenError : null);

        var messages = page.Instances.Select(ToMessage).ToList();
        var reply = new ListInstancesReply
        {
            Rendering = (uint)page.Summary.Rendering,
            Idle = (uint)page.Summary.Idle,
            NextPageToken = PageToken.Longest,
        };
        // Each instance is a length-delimited field of the reply: its size, a tag byte and its length's varint.
        var shown = ReplyBudget.Fit(messages, m => m.CalculateSize() + 1 + CodedOutputStream.ComputeLengthSize(m.CalculateSize()),
            reply.CalculateSize());
        reply.NextPageToken = page.NextPageToken(shown);
        reply.Instances.AddRange(messages.Take(shown));
        return Task.FromResult(reply);
    }

    public Task<InstanceStatus> GetInstance(GetInstanceRequest request, ServerCallContext context)
    {
        ThrowIfInvalid(IdentityRules.Error("host", request.Host) ?? IdentityRules.Error("instance", request.Instance));
        var status = reader.Find(request.Host, request.Instance)
            ?? throw new RpcException(new Status(StatusCode.NotFound,
                $"{request.Host}/{request.Instance}: no report within the instance TTL ({reader.Ttl})"));
        return Task.FromResult(ToMessage(status));
    }

    private static void ThrowIfInvalid(string? error)
    {
        if (error is not null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, error));
        }
    }

    private static InstanceState? ToState(RenderState state) => state switch
    {
        RenderState.Unspecified => null,
        RenderState.Idle => InstanceState.Idle,
        RenderState.Rendering => InstanceState.Rendering,
        _ => throw new RpcException(new Status(StatusCode.InvalidArgument,
            $"state: must be RENDER_STATE_UNSPECIFIED (any), RENDER_STATE_IDLE or RENDER_STATE_RENDERING, was {state}")),
    };

    private static InstanceStatus ToMessage(InstanceView status)
    {
        var message = new InstanceStatus
        {
            Host = status.Host,
            Instance = status.Instance,
            State = status.State.Renders() ? RenderState.Rendering : RenderState.Idle,
            CurrentFrame = status.CurrentFrame,
            FramesRendered = status.FramesRendered,
            LastSeen = Timestamp.FromDateTimeOffset(status.LastSeen),
            AgeSeconds = status.AgeSeconds,
            BlenderVersion = status.BlenderVersion,
            Engine = status.Engine,
            BlendFile = status.File,
            Scene = status.Scene,
        };
        if (status.Job is { } job)
        {
            message.JobFrameStart = job.FrameStart;
            message.JobFrameEnd = job.FrameEnd;
            if (job.Progress is { } progress)
            {
                message.Progress = progress;
            }
        }

        return message;
    }
}
