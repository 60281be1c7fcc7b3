"""Load test the learner finder in its production topology on this machine, and print the figures.

Builds a throwaway PostgreSQL database (migrate, London geography, demo content), collects static files into a
temporary STATIC_ROOT, and starts what two machines would run (docs/deploy.md): two app servers (separate gunicorn
processes on separate ports, gunicorn.conf.py, production settings, DEBUG off, whitenoise) sharing that database and
one Redis database (REDIS_URL: cache, enquiry limits, cached sessions, the RQ queue), one task worker and the
scheduler. Then it checks that a session started on one server is valid on the other and that the enquiry limit
holds across both, and drives the finder with wrk (random real London postcodes and filters) and a trivial page the
same way: one wrk process per server, the connections split between them. Prints requests per second, latency
percentiles and errors; the last line is one JSON object with those figures. Everything stays on this machine; every
process it started is stopped, and the database and the Redis database are emptied, even after Ctrl-C or an error.
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
from pathlib import Path
from urllib.parse import urlencode

import loadtest_checks as checks

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


class Stopped(Exception):
    """SIGTERM (or SIGHUP) arrived: unwind through the clean-up, as Ctrl-C does."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load for each page (default 60)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections in all (default 32)")
    parser.add_argument("--servers", type=int, default=2, help="app servers, one gunicorn each (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server (default 2)")
    parser.add_argument("--database-url", help="use this PostgreSQL database (default: a throwaway one)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7", help="a Redis database to use and flush")
    parser.add_argument("--path", default="/find/", help="page to search with (default /find/)")
    parser.add_argument("--trivial-path", default="/about/data/", help="the cheap page to compare with")
    parser.add_argument("--urls", type=int, default=2000, help="distinct URLs to draw from (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the URLs (default 1)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: run scripts/ci-browser-setup (or apt-get install wrk)")
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_stopped)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background (SIGINT ignored)

    workdir = Path(tempfile.mkdtemp(prefix="esolplus-loadtest-"))
    throwaway = None if args.database_url else f"esolplus_load_{os.getpid()}"
    database_url = args.database_url or ADMIN_DATABASE_URL.rsplit("/", 1)[0] + f"/{throwaway}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "esolplus.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",  # plain http on loopback; production.py reads it
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis_url,
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "LOG_LEVEL": "ERROR",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    processes: list[subprocess.Popen] = []
    try:
        _flush_redis(args.redis_url)
        if throwaway:
            _postgres(f'CREATE DATABASE "{throwaway}"')
        _step("migrate", ["migrate", "--no-input"], env)
        _step("compile translations", ["compile_translations"], env)
        _step("import London geography", ["import_geography", "--scope", "london"], env)
        _step("load demo content", ["load_demo", "--force"], env)
        _step("collect static files", ["collectstatic", "--no-input"], env)
        postcodes, class_id = _demo_facts(env, args.urls)
        urls_file = workdir / "urls.txt"
        urls = _search_urls(postcodes, args.path, args.urls, args.seed)
        urls_file.write_text("\n".join(urls) + "\n")
        print(f"== {len(urls)} URLs, e.g. {urls[0]}", flush=True)

        ports = [_free_port() for _server in range(args.servers)]
        for port in ports:
            print(f"== app server: gunicorn on 127.0.0.1:{port} ({args.workers} workers)", flush=True)
            processes.append(
                _start([GUNICORN, "-c", "gunicorn.conf.py", "esolplus.wsgi", "--bind", f"127.0.0.1:{port}"], env)
            )
        print("== task worker (RQ) and scheduler", flush=True)
        log = (workdir / "worker.log").open("w")
        processes.append(_start([PYTHON, "manage.py", "run_worker"], env, log))
        processes.append(_start([PYTHON, "manage.py", "run_scheduler"], env, log))
        for port in ports:
            _wait_until_serving(port, args.trivial_path, processes)
        _wait_for_queue(args.redis_url, processes)  # the index updates load_demo queued: not part of the load

        session_shared = checks.session_shared(ports)
        limit = _enquiry_limit(env)
        enquiry_statuses = checks.enquiry_statuses(ports, class_id, limit + 2)
        enquiry_limit_shared = enquiry_statuses == [302] * limit + [429] * (len(enquiry_statuses) - limit)
        print(f"== session shared across servers: {session_shared}", flush=True)
        print(f"== enquiries alternating between servers: {enquiry_statuses} (limit {limit})", flush=True)
        tasks_done = _wait_for_queue(args.redis_url, processes)  # the worker sends the enquiries' emails

        lua = workdir / "loadtest.lua"
        lua.write_text(WRK_SCRIPT)
        trivial_file = workdir / "trivial.txt"
        trivial_file.write_text(args.trivial_path + "\n")
        tasks_failed = _failed_tasks(args.redis_url)
        find = _drive(ports, args, lua, urls_file, args.path, processes)
        trivial = _drive(ports, args, lua, trivial_file, args.trivial_path, processes)
    except (KeyboardInterrupt, Stopped):
        print("== stopped", file=sys.stderr)
        return 130
    finally:
        _stop(processes)
        if throwaway:
            _postgres(f'DROP DATABASE IF EXISTS "{throwaway}" WITH (FORCE)')
        _flush_redis(args.redis_url)
        shutil.rmtree(workdir, ignore_errors=True)

    figures = {
        "servers": args.servers,
        "workers_per_server": args.workers,
        "connections": args.connections,
        "duration_s": find["duration_s"],
        "path": args.path,
        **{key: find[key] for key in ("requests", "requests_per_second", "p50_ms", "p95_ms", "p99_ms", "max_ms")},
        "errors": find["errors"] + trivial["errors"],
        **{key: find[key] + trivial[key] for key in ("status_5xx", "status_4xx", "socket_errors")},
        "trivial_path": args.trivial_path,
        "trivial_requests_per_second": trivial["requests_per_second"],
        "trivial_p50_ms": trivial["p50_ms"],
        "trivial_p99_ms": trivial["p99_ms"],
        "ratio": round(find["requests_per_second"] / trivial["requests_per_second"], 3),
        "enquiry_limit_shared": enquiry_limit_shared,
        "enquiry_statuses": enquiry_statuses,
        "session_shared": session_shared,
        "tasks_done": tasks_done,
        "tasks_failed": tasks_failed,
    }
    print(
        f"{args.path}: requests/s {figures['requests_per_second']}  p50 {figures['p50_ms']} ms  "
        f"p95 {figures['p95_ms']} ms  p99 {figures['p99_ms']} ms; {args.trivial_path}: requests/s "
        f"{figures['trivial_requests_per_second']}; ratio {figures['ratio']}; errors {figures['errors']} "
        f"(5xx {figures['status_5xx']}, socket {figures['socket_errors']}; 4xx {figures['status_4xx']})"
    )
    print(json.dumps(figures))
    return 0 if figures["errors"] == 0 and enquiry_limit_shared and session_shared else 1


def _raise_stopped(signum, frame):
    raise Stopped


def _start(command: list[str], env: dict, log=None) -> subprocess.Popen:
    """A process in a session of its own: Ctrl-C reaches only this script, which then stops it (and its children)."""
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=log, start_new_session=True)  # noqa: S603


def _wait_for_queue(url: str, processes: list[subprocess.Popen], timeout: float = 120) -> bool:
    """Wait until the task worker has emptied RQ's queue and finished the job in hand; whether it did in time."""
    import redis

    client = redis.Redis.from_url(url)
    deadline, idle = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            sys.exit("a server, the worker or the scheduler stopped")
        # Twice in a row: a job leaves the queue a moment before it is registered as started.
        idle = idle + 1 if client.llen("rq:queue:default") == 0 and client.zcard("rq:wip:default") == 0 else 0
        if idle >= 2:
            return True
        time.sleep(0.5)
    return False


def _failed_tasks(url: str) -> int:
    import redis

    return redis.Redis.from_url(url).zcard("rq:failed:default")


def _stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to each process group we started (gunicorn and the worker finish what they are doing), then SIGKILL."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _drive(ports: list[int], args, lua: Path, urls_file: Path, path: str, processes) -> dict:
    """One wrk per app server (wrk talks to one host), started together, the connections split between them.
    Requests are summed; the latency percentiles are the slower server's (percentiles cannot be merged)."""
    per_server = max(1, args.connections // len(ports))
    print(f"== wrk {path}: {per_server} connections on each of {len(ports)} servers for {args.duration}s", flush=True)
    runs = [
        subprocess.Popen(  # noqa: S603 - fixed local command
            [
                WRK,
                "--threads",
                "1",
                "--connections",
                str(per_server),
                "--duration",
                f"{args.duration}s",
                "--timeout",
                "10s",
                "--script",
                str(lua),
                f"http://127.0.0.1:{port}",
                "--",
                str(urls_file),
                str(args.seed + index),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for index, port in enumerate(ports)
    ]
    processes.extend(runs)
    raws = []
    for run in runs:
        stdout, stderr = run.communicate(timeout=args.duration + 120)
        if run.returncode != 0:
            sys.exit(f"wrk failed: {stderr}{stdout}")
        print(stdout, flush=True)
        raws.append(json.loads(next(line for line in stdout.splitlines() if line.startswith("WRK_JSON "))[9:]))
    seconds = max(raw["duration_us"] for raw in raws) / 1e6
    total = {key: sum(raw[key] for raw in raws) for key in ("requests", "status_5xx", "status_4xx", "socket_errors")}
    slowest = {key: max(raw[key] for raw in raws) / 1000 for key in ("p50_us", "p95_us", "p99_us", "max_us")}
    return {
        **total,
        "duration_s": round(seconds, 1),
        "requests_per_second": round(total["requests"] / seconds, 1),
        **{key.replace("_us", "_ms"): round(value, 1) for key, value in slowest.items()},
        "errors": total["status_5xx"] + total["socket_errors"],
    }


def _enquiry_limit(env: dict) -> int:
    return int(env.get("ENQUIRY_RATE", "5/h").split("/")[0])


def _step(title: str, command: list[str], env: dict) -> None:
    print(f"== {title}", flush=True)
    subprocess.run([PYTHON, "manage.py", *command], cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def _postgres(sql: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=root dbname=postgres", autocommit=True) as connection:
        connection.execute(sql)


def _flush_redis(url: str) -> None:
    """Empty the one Redis database the run uses (never the others on this Redis)."""
    import redis

    redis.Redis.from_url(url).flushdb()


def _demo_facts(env: dict, count: int) -> tuple[list[str], int]:
    """Real London postcodes (from the imported geography), and a current demo class that takes enquiries from
    learners (a referral-only class refuses them)."""
    code = (
        "import json; from finder.models import ClassPage, Postcode; print(json.dumps(["
        f"list(Postcode.objects.order_by('?').values_list('postcode', flat=True)[:{count}]), "
        "ClassPage.objects.current().exclude(how_to_join='referral').order_by('pk')"
        ".values_list('pk', flat=True).first()]))"
    )
    result = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    postcodes, class_id = json.loads(result.stdout.strip().splitlines()[-1])
    if not postcodes or class_id is None:
        sys.exit("no postcodes or no current class in the database: did import_geography and load_demo run?")
    return sorted(postcodes), class_id


def _search_urls(postcodes: list[str], path: str, count: int, seed: int) -> list[str]:
    """Searches for real postcodes with random filters."""
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


def _wait_until_serving(port: int, path: str, processes: list[subprocess.Popen], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            sys.exit("a server, the worker or the scheduler stopped before the load test began")
        try:
            if checks.Browser().request(port, "GET", path)[0] == 200:
                return
        except OSError:  # not up yet (refused, timed out)
            time.sleep(0.5)
    sys.exit(f"gunicorn did not serve http://127.0.0.1:{port}{path} within {timeout}s")


if __name__ == "__main__":
    sys.exit(main())
