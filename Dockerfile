FROM node:20-bookworm
WORKDIR /app
# The official image installs Node under /usr/local: point node-gyp at its headers (see .npmrc).
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
