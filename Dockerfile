# syntax=docker/dockerfile:1
# One image for the whole dBWE public graph: the four subgraphs, the gateway and the roles step.
# docker-compose.yml picks the service by its command, e.g.
#   node dist/subgraphs/ledger/src/main.js
#   node --max-semi-space-size=64 dist/gateway/src/main.js
# The build stage compiles the TypeScript with tsc (npm run build); the image holds only that
# JavaScript, the files it reads at run time and the production dependencies: no sources, tests,
# benchmarks, tsx or embedded PostgreSQL.

# Node.js 24, the active LTS line (Node 20 reached its end of life in April 2026).
FROM node:24-bookworm-slim AS base
# package.json declares its install-script policy with `allowScripts`, which needs npm 11.
RUN npm install -g npm@11.19.1 && npm cache clean --force
WORKDIR /app
# Manifests first, so the dependency layers are rebuilt only when they change.
COPY package.json package-lock.json ./
COPY platform/package.json platform/
COPY gateway/package.json gateway/
COPY schema/package.json schema/
COPY subgraphs/community/package.json subgraphs/community/
COPY subgraphs/projects/package.json subgraphs/projects/
COPY subgraphs/ledger/package.json subgraphs/ledger/
COPY subgraphs/impact/package.json subgraphs/impact/
COPY verifier/package.json verifier/

# Everything, dev dependencies included, to compile.
FROM base AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# The dependencies the services need at run time, and nothing else.
FROM base AS production-dependencies
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
COPY --from=production-dependencies /app/package.json ./
COPY --from=production-dependencies /app/node_modules ./node_modules
# The built JavaScript, the schema files it reads, and dist/node_modules/@dbwe/*, through which the
# workspace packages resolve to their built code (scripts/build-layout.ts).
COPY --from=build /app/dist ./dist
# The ledger's signer state (LEDGER_SIGNER_STATE_FILE in docker-compose.yml): a fresh named volume takes this folder's owner.
RUN mkdir -p /var/lib/dbwe-ledger && chown node:node /var/lib/dbwe-ledger
USER node
EXPOSE 4000
# Every service answers /ready on PORT; compose sets the same check per service.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/ready', { signal: AbortSignal.timeout(3000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The default command runs the gateway; compose overrides it for each subgraph and the roles step.
CMD ["node", "--max-semi-space-size=64", "dist/gateway/src/main.js"]
