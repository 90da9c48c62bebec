# Meridian app image: API + built web app on one port. Used by docker-compose.yml.
FROM node:20-bookworm-slim
WORKDIR /app
ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0
RUN npm install -g pnpm@10.34.8
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY api/package.json api/
COPY web/package.json web/
COPY geodata/package.json geodata/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm --filter @meridian/web build && node --import tsx geodata/build.ts
ENV NODE_ENV=production PORT=3000
EXPOSE 3000
CMD ["node", "--import", "tsx", "api/src/server.ts"]
