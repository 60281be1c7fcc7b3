"""Load test the learner finder as it runs in production, and print the figures.

Builds a throwaway PostgreSQL database (migrate, London geography, demo content), collects static files
into a temporary STATIC_ROOT, serves the site with gunicorn (2 workers, whitenoise, DEBUG off) on
127.0.0.1, then drives it with wrk: random real London postcodes and random filters, for a fixed time
at a fixed number of connections. Prints requests per second, latency percentiles and errors; the
last line is one JSON object with those figures. Everything stays on this machine.
"""

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")
GUNICORN = str(BASE_DIR / ".venv" / "bin" / "gunicorn")
WRK = shutil.which("wrk") or "wrk"
ADMIN_DATABASE_URL = "postgres://root@127.0.0.1:5432/postgres"

# Filters a learner might add to a search; keys the finder ignores do no harm.
FILTER_CHOICES = {
    "level": ["pre-entry", "entry-1", "entry-2", "entry-3", "level-1", "level-2"],
    "days": ["0", "1", "2", "3", "4", "5", "6"],
    "time": ["morning", "afternoon", "evening"],
    "radius": ["1", "2", "5", "10", "20"],
    "starts": ["now", "this_month", "next_term"],
    "free": ["on"],
    "childcare": ["on"],
    "women_only": ["on"],
    "step_free": ["on"],
    "places": ["on"],
    "sort": ["distance", "soonest"],
}

WRK_SCRIPT = r"""
local urls = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  for line in io.lines(args[1]) do table.insert(urls, line) end
  math.randomseed(tonumber(args[2]) + id)
  server_errors = 0
  other_errors = 0
end

function request()
  return wrk.format("GET", urls[math.random(#urls)])
end

function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1
  elseif status >= 400 then other_errors = other_errors + 1 end
end

function done(summary, latency, requests)
  local server, other = 0, 0
  for _, thread in ipairs(threads) do
    server = server + thread:get("server_errors")
    other = other + thread:get("other_errors")
  end
  local e = summary.errors
  io.write("WRK_JSON ", string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"status_5xx": %d, "status_4xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, server, other,
    e.connect + e.read + e.write + e.timeout))
end
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--database-url", help="use this PostgreSQL database (default: a throwaway one)")
    parser.add_argument("--path", default="/find/", help="page to search with (default /find/)")
    parser.add_argument("--urls", type=int, default=2000, help="distinct URLs to draw from (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the URLs (default 1)")
    args = parser.parse_args()
    for tool in ("wrk",):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: run scripts/ci-browser-setup")

    workdir = Path(tempfile.mkdtemp(prefix="esolplus-loadtest-"))
    throwaway = None if args.database_url else f"esolplus_load_{os.getpid()}"
    database_url = args.database_url or ADMIN_DATABASE_URL.rsplit("/", 1)[0] + f"/{throwaway}"
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "esolplus.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "ERROR",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    server = None
    try:
        if throwaway:
            _postgres(f'CREATE DATABASE "{throwaway}"')
        _step("migrate", ["migrate", "--no-input"], env)
        _step("compile translations", ["compile_translations"], env)
        _step("import London geography", ["import_geography", "--scope", "london"], env)
        _step("load demo content", ["load_demo", "--force"], env)
        _step("collect static files", ["collectstatic", "--no-input"], env)
        urls_file = workdir / "urls.txt"
        urls = _search_urls(env, args.path, args.urls, args.seed)
        urls_file.write_text("\n".join(urls) + "\n")
        print(f"== {len(urls)} URLs, e.g. {urls[0]}", flush=True)

        print(f"== gunicorn on 127.0.0.1:{port} (2 workers)", flush=True)
        server = subprocess.Popen(  # noqa: S603 - fixed local command
            [GUNICORN, "esolplus.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=BASE_DIR,
            env=env,
        )
        _wait_until_serving(f"http://127.0.0.1:{port}/", server)

        lua = workdir / "loadtest.lua"
        lua.write_text(WRK_SCRIPT)
        print(f"== wrk: {args.connections} connections for {args.duration}s", flush=True)
        result = subprocess.run(  # noqa: S603 - fixed local command
            [
                WRK,
                "--threads",
                "2",
                "--connections",
                str(args.connections),
                "--duration",
                f"{args.duration}s",
                "--timeout",
                "10s",
                "--script",
                str(lua),
                f"http://127.0.0.1:{port}",
                "--",
                str(urls_file),
                str(args.seed),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=args.duration + 120,
        )
        if result.returncode != 0:
            sys.exit(f"wrk failed: {result.stderr}{result.stdout}")
        print(result.stdout, flush=True)
        raw = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("WRK_JSON "))[9:])
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if throwaway:
            _postgres(f'DROP DATABASE IF EXISTS "{throwaway}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)

    seconds = raw["duration_us"] / 1e6
    figures = {
        "path": args.path,
        "connections": args.connections,
        "duration_s": round(seconds, 1),
        "requests": raw["requests"],
        "requests_per_second": round(raw["requests"] / seconds, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "errors": raw["status_5xx"] + raw["socket_errors"],
        "status_5xx": raw["status_5xx"],
        "status_4xx": raw["status_4xx"],
        "socket_errors": raw["socket_errors"],
    }
    print(
        f"requests/s {figures['requests_per_second']}  p50 {figures['p50_ms']} ms  p95 {figures['p95_ms']} ms  "
        f"p99 {figures['p99_ms']} ms  errors {figures['errors']} (5xx {figures['status_5xx']}, "
        f"4xx {figures['status_4xx']}, socket {figures['socket_errors']})"
    )
    print(json.dumps(figures))
    return 0


def _step(title: str, command: list[str], env: dict) -> None:
    print(f"== {title}", flush=True)
    subprocess.run([PYTHON, "manage.py", *command], cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def _postgres(sql: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=root dbname=postgres", autocommit=True) as connection:
        connection.execute(sql)


def _search_urls(env: dict, path: str, count: int, seed: int) -> list[str]:
    """Searches for real London postcodes (from the imported geography) with random filters."""
    code = (
        "from finder.models import Postcode; "
        f"print('\\n'.join(Postcode.objects.order_by('?').values_list('postcode', flat=True)[:{count}]))"
    )
    result = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    postcodes = sorted(result.stdout.split("\n"))
    postcodes = [p for p in postcodes if p.strip()]
    if not postcodes:
        sys.exit("no postcodes in the database: did import_geography run?")
    rng = random.Random(seed)
    urls = []
    for _index in range(count):
        query = {"where": rng.choice(postcodes)}
        for name in rng.sample(sorted(FILTER_CHOICES), rng.randint(0, 3)):
            query[name] = rng.choice(FILTER_CHOICES[name])
        urls.append(f"{path}?{urlencode(query)}")
    return urls


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped before it served a page")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
        except OSError:  # not up yet (URLError, refused, timed out)
            time.sleep(0.5)
    sys.exit(f"gunicorn did not serve {url} within {timeout}s")


if __name__ == "__main__":
    sys.exit(main())
