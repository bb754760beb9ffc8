#!/usr/bin/env bash
# Publishes the server as one self-contained executable for linux-x64: the server and its
# check command run on hosts without .NET. The deployment tests run exactly this script.
# Usage: publish.sh OUTPUT_DIR   (run from the repository root)
set -euo pipefail

output="${1:?usage: publish.sh OUTPUT_DIR}"

# appsettings.json lands beside the executable, where the server looks for it whatever its
# working directory. No .pdb: nothing on a farm host reads it.
dotnet publish server/RenderFarm.Server.csproj \
    --configuration Release \
    --runtime linux-x64 \
    --self-contained \
    --output "$output" \
    -p:PublishSingleFile=true \
    -p:DebugType=none \
    --nologo
