# One image for every role: `web`, `worker` or `all` is the command's argument.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .puppeteerrc.cjs ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json drizzle.config.ts ./
COPY src ./src
COPY flows ./flows
COPY migrations ./migrations
USER node
EXPOSE 3000
ENTRYPOINT ["npx", "tsx", "src/main.ts"]
CMD ["all"]
