# syntax=docker/dockerfile:1
# One image for the whole dBWE public graph: the four subgraphs and the gateway.
# docker-compose.yml picks the service by its command, e.g.
#   node --import tsx subgraphs/ledger/src/main.ts
#   node --import tsx gateway/src/main.ts
# TypeScript runs through tsx (a runtime dependency), so there is no build step.
FROM node:20-bookworm-slim

# package.json declares its install-script policy with `allowScripts`, which needs npm 11.
RUN npm install -g npm@11.19.1 && npm cache clean --force

WORKDIR /app

# Manifests first, so the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY platform/package.json platform/
COPY gateway/package.json gateway/
COPY schema/package.json schema/
COPY subgraphs/community/package.json subgraphs/community/
COPY subgraphs/projects/package.json subgraphs/projects/
COPY subgraphs/ledger/package.json subgraphs/ledger/
COPY subgraphs/impact/package.json subgraphs/impact/
COPY verifier/package.json verifier/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# The sources (see .dockerignore for what stays out).
COPY . .

# The ledger's signer state (LEDGER_SIGNER_STATE_FILE in docker-compose.yml): a fresh named volume takes this folder's owner.
RUN mkdir -p /var/lib/dbwe-ledger && chown node:node /var/lib/dbwe-ledger

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
USER node
EXPOSE 4000
# The default command runs the gateway; compose overrides it for each subgraph.
CMD ["node", "--max-semi-space-size=64", "--import", "tsx", "gateway/src/main.ts"]
