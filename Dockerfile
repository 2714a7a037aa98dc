# Credit Registry: gunicorn behind nginx (registry serve), as a non-root user.
# Migrations are a separate step: docker compose run --rm app registry init
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    REGISTRY_INSTANCE_DIR=/var/lib/registry

WORKDIR /app
COPY setup.cfg pyproject.toml README.md ./
COPY registry ./registry
COPY search ./search
COPY migrations ./migrations
COPY wsgi.py ./
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-wqy-microhei nginx \
    && rm -rf /var/lib/apt/lists/* \
    && pip install -e . \
    && useradd --system --home-dir /var/lib/registry --create-home registry

USER registry
EXPOSE 8000
# nginx reads slow requests and long uploads whole before a worker sees them (registry/front.py).
CMD ["registry", "serve", "--front", "--bind", "0.0.0.0:8000", "--workers", "4"]
