# Rolpool container image: one image for the web process (gunicorn), the Celery worker
# and Celery beat; docker-compose.yml picks the command. All configuration comes from
# environment variables at run time (see .env.example).
#
#   docker build -t rolpool .
#
# Sources are copied one by one (no "COPY . .") so that .venv, node_modules, var/ and
# .env from a developer's checkout never end up in the image.

# --- Stage 1: NL Design System CSS from npm -----------------------------------------
FROM node:20-slim AS assets

WORKDIR /build
COPY package.json package-lock.json ./
# Only the runtime packages (the Utrecht CSS and tokens); axe-core is for tests.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund


# --- Stage 2: the application --------------------------------------------------------
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    PYTHONPATH=/app

WORKDIR /app

# An unprivileged user to run every process as.
RUN groupadd --system --gid 10001 rolpool \
    && useradd --system --uid 10001 --gid rolpool --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin rolpool

# Python dependencies and the project's packages, from pyproject.toml. PYTHONPATH=/app
# makes every process (gunicorn, celery, manage.py, pybabel) import the project from
# /app, the same tree as templates, static files and locale, rather than the copy that
# pip also puts in site-packages.
COPY pyproject.toml README.md manage.py ./
COPY config ./config
COPY competencies ./competencies
COPY pool ./pool
COPY assignments ./assignments
RUN pip install .

# Templates, static sources, translations, licence texts.
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY LICENSE NOTICE ./

# The Utrecht CSS and design tokens, where settings.STATICFILES_DIRS expects them.
COPY --from=assets /build/node_modules/@utrecht ./node_modules/@utrecht

# Translations: compile the .po catalogues to .mo with Babel (no GNU gettext needed).
# Fail the build if a catalogue was skipped (Babel skips a catalogue whose header is
# marked "#, fuzzy"), rather than ship an image without its Dutch interface.
RUN pybabel compile -d locale -D django --statistics \
    && for po in locale/*/LC_MESSAGES/django.po; do \
         test -f "${po%.po}.mo" || { echo "not compiled: $po" >&2; exit 1; }; \
       done

# Static files, hashed and compressed for whitenoise. The settings module needs these
# variables to import; the values are placeholders used only here and are not kept in
# the image (nothing connects to the database or Redis during collectstatic).
# (config.apps.StaticFilesConfig leaves out the token package's unused stylesheet whose
# icons are missing, which would break the manifest.)
RUN DJANGO_SECRET_KEY=build-only-not-a-secret \
    DATABASE_URL=postgres://build:build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input \
    && mkdir -p /app/var \
    && chown rolpool:rolpool /app/var
# var/ itself is writable (the default Celery beat schedule lives there); the collected
# static files in var/static stay owned by root, read-only to the application.

USER rolpool

EXPOSE 8000

# Shell form so that GUNICORN_WORKERS is read at container start; exec makes gunicorn
# PID 1 so it receives SIGTERM directly.
CMD ["sh", "-c", "exec gunicorn config.wsgi:application --config python:config.gunicorn --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --access-logfile - --error-logfile -"]
