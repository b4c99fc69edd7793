# The gateway in a container: `docker build -t ll2-gateway .`
# Extras: EXTRAS=redis (default: the shared cache), EXTRAS=redis,otel for tracing.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY gateway ./gateway
ARG EXTRAS=redis
# The versions are pyproject.toml's; the project itself is the source tree.
# hadolint ignore=DL3013
RUN pip install ".[${EXTRAS}]" \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin gateway

USER 10001
EXPOSE 8000
# Liveness only: /readyz also checks Redis and LL2, which a restart would not fix.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

ENTRYPOINT ["ll2-gateway"]
CMD ["serve", "--host", "0.0.0.0"]
