# Image for the web process, Celery workers and Celery beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STIMME_VAR_DIR=/var/lib/stimme
WORKDIR /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-liberation \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app stimme \
    && mkdir -p /var/lib/stimme && chown stimme /var/lib/stimme
COPY pyproject.toml ./
COPY config ./config
COPY provisioning ./provisioning
COPY billing ./billing
COPY telephony ./telephony
COPY portal ./portal
COPY status ./status
COPY support ./support
COPY manage.py ./
RUN pip install --no-cache-dir . && python manage.py collectstatic --noinput \
    && chown -R stimme /app/staticfiles
USER stimme
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
