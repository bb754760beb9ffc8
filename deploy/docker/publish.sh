#!/usr/bin/env bash
# Publishes the server for the ASP.NET runtime image. The Dockerfile's build stage runs
# exactly this script, and so do the deployment tests, so a broken image build fails there
# even where no container engine runs.
# Usage: publish.sh OUTPUT_DIR   (run from the repository root, or a copy of what the image copies)
set -euo pipefail

output="${1:?usage: publish.sh OUTPUT_DIR}"

# Framework-dependent: the runtime image brings .NET and ASP.NET Core. No apphost: the
# image starts the server with `dotnet RenderFarm.Server.dll`.
dotnet publish server/RenderFarm.Server.csproj \
    --configuration Release \
    --output "$output" \
    --no-self-contained \
    -p:UseAppHost=false \
    --nologo
