# syntax=docker/dockerfile:1
# Doorstep server image: the API plus the built PWA, data in the /data volume.
#
#   docker build -t doorstep .
#   docker run -p 8000:8000 -v doorstep-data:/data doorstep
#   docker run --rm -v doorstep-data:/data doorstep doorstep seed-demo
#
# Build without the web app (API only) even when pwa/ exists: --build-arg BUILD_PWA=0

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# --- 1. the PWA ------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS pwa
ARG BUILD_PWA=1
WORKDIR /src
# `pw[a]` matches nothing when pwa/ is absent; pyproject.toml keeps the COPY from being empty.
# (The contents of pwa/ land in /src/pwa/; the stray pyproject.toml there is harmless.)
COPY pyproject.toml pw[a] /src/pwa/
COPY schema /src/schema
RUN set -eux; \
    mkdir -p /src/pwa/dist; \
    if [ "$BUILD_PWA" = "1" ] && [ -f /src/pwa/package.json ]; then \
        cd /src/pwa; \
        if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi; \
        npm run build; \
    else \
        echo "PWA not built: the image serves the API only"; \
    fi

# --- 2. the Python package in a virtualenv ---------------------------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /build
COPY pyproject.toml README.md ./
COPY server ./server
COPY sync ./sync
RUN /opt/venv/bin/pip install .

# --- 3. runtime ------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
# A CJK font so PDF reports can print Chinese names and addresses.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends fonts-wqy-microhei; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --system --gid 10001 doorstep; \
    useradd --system --uid 10001 --gid doorstep --home-dir /app --no-create-home doorstep; \
    mkdir -p /data; \
    chown doorstep:doorstep /data

COPY --from=build /opt/venv /opt/venv
COPY --from=pwa /src/pwa/dist /app/pwa/dist

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DOORSTEP_DATA_DIR=/data \
    DOORSTEP_PWA_DIST=/app/pwa/dist

WORKDIR /app
USER doorstep
VOLUME ["/data"]
EXPOSE 8000

# The slim image has no curl; the standard library is enough for a probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

# Migrations run at start; behind a reverse proxy add --proxy-headers --forwarded-allow-ips <proxy ip>.
CMD ["doorstep", "serve", "--host", "0.0.0.0", "--port", "8000"]
