# syntax=docker/dockerfile:1
# Two targets: `app` (API and dashboard) and `runner` (CUDA + cuDNN for @tensorflow/tfjs-node-gpu).

FROM node:20-bookworm-slim AS app
WORKDIR /basin
COPY package.json package-lock.json ./
COPY packages ./packages
COPY apps ./apps
COPY gpu-runner ./gpu-runner
COPY e2e ./e2e
COPY db ./db
COPY turbo.json biome.json ./
RUN npm ci --no-audit --no-fund && npm run build
ENV NODE_ENV=production

# tfjs-node-gpu 4.22 is built against CUDA 11.8 / cuDNN 8.
FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04 AS runner
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl gnupg build-essential python3 \
 && curl -fsSL https://deb.nodesource.com/setup_20.x | bash - \
 && apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/*
WORKDIR /basin
COPY --from=app /basin /basin
# The GPU build of TensorFlow downloads libtensorflow in its install script: allowed here, where the network is.
RUN npm install --no-save --foreground-scripts @tensorflow/tfjs-node-gpu@4.22.0 -w @basin/gpu-runner
ENV NODE_ENV=production
