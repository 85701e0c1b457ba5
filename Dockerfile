# srm: one image for both processes (see Procfile and compose.yaml). Build: docker build -t srm .
# The web process is the default command; the Socket Mode worker is `python -m bot` with SRM_HEALTH_PORT set.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=3000 \
    SRM_CACHE_DIR=/opt/srm/cache \
    SRM_DATA_DIR=/var/lib/srm

# A system user with no shell and no home: nothing in the container runs as root.
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin srm

COPY pyproject.toml README.md /src/
COPY bot /src/bot
COPY knowledge /src/knowledge

# The wheel carries the knowledge base (pyproject: force-include knowledge -> bot/_knowledge), validated here
# so a broken knowledge base fails the build, not the deploy; then the compiled engine cache (bot/engine/
# compiled.py) is built once, so every container starts in milliseconds instead of re-parsing the YAML.
# The sources are removed and the cache is built from / so its key names the installed files, which are
# the ones the running processes import.
RUN pip install /src \
 && rm -rf /src \
 && cd / \
 && srm validate \
 && python -c "from bot.engine.compiled import load_engine; load_engine()" \
 && ls "$SRM_CACHE_DIR"/engine-*.pickle \
 && mkdir -p "$SRM_DATA_DIR" && chown srm "$SRM_DATA_DIR"

WORKDIR /var/lib/srm
USER srm
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["python", "-m", "bot.probe"]

# The Procfile's web line; `exec` so gunicorn is PID 1 and gets SIGTERM (graceful drain), and sh expands $PORT.
CMD exec gunicorn --config python:bot.gunicorn_conf --bind 0.0.0.0:$PORT 'bot.wsgi:create()'
