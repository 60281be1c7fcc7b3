"""gunicorn's settings for the web process (the Procfile's `web`; docs/deploy.md). Every value can be set from the
environment; `gunicorn --print-config -c gunicorn.conf.py esolplus.wsgi` shows what is in force."""

import multiprocessing
import os

# Behind a reverse proxy on the same machine by default; BIND=0.0.0.0:8000 (or PORT) when the proxy is elsewhere.
bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# Processes: WEB_CONCURRENCY, else two per core and one more (the usual starting point for a sync, mostly-database
# app). Each holds a database connection (DATABASE_CONN_MAX_AGE), so size PostgreSQL's max_connections to match.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that takes longer than this is killed; slow work (exports, emails) runs in the task worker instead.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then, so that a slow leak never grows.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Which proxies may set X-Forwarded-Proto (for request.is_secure with BEHIND_TLS_PROXY); the client address for limits
# is decided by the app (TRUSTED_PROXY_COUNT), not here.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Access log to stdout. The path only (%(U)s), never the query string (%(q)s, %(r)s) or the referrer (%(f)s): a
# search's query string holds the learner's postcode. Time taken in milliseconds (%(M)s).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
