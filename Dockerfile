# Credit Registry: gunicorn serving wsgi:app as a non-root user.
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
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/* \
    && pip install -e . \
    && useradd --system --home-dir /var/lib/registry --create-home registry

USER registry
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-", "wsgi:app"]
