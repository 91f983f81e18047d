# syntax=docker/dockerfile:1
# ro2key: build with dev dependencies, run with production ones only, as a non-root user.
#   docker build -t ro2key .
#   docker run -p 8080:8080 -e ARN_PREFIX=… -e TOKENINFO_URL=… -e POLICY="$(cat policy.yaml)" ro2key
# test/deploy/dockerfile.test.ts rebuilds the runtime stage's file set without Docker and
# starts it with this file's CMD; keep COPY sources, the npm ci line and CMD parseable.
ARG NODE_IMAGE=node:22-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json openapi.yaml ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no production dependency needs an install script.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
# The app reads dist/openapi.json (npm run build writes it), or openapi.yaml when newer (src/api/spec.ts).
COPY openapi.yaml ./
COPY --from=build /app/dist ./dist
# Files stay owned by root and read-only to the app; 1000 is the base image's "node" user,
# numeric so that Kubernetes runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
# No curl in the image: Node's own fetch probes /health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself (src/main.ts drains and exits 0).
CMD ["node", "dist/main.js"]
