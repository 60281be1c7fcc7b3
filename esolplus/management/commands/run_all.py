"""`make run`: the web server, the task worker and the scheduler together, on one machine, with no other service.

A small supervisor rather than honcho or foreman: it needs no Procfile of its own (the Procfile is production's:
gunicorn), runs the worker that matches the configured task queue (run_worker: db_worker or RQ's), and stops
everything together: Ctrl-C (or SIGTERM) stops all three, and if one of them stops, so do the others.

Each process runs in a session of its own, so that Ctrl-C reaches only this supervisor, which then asks each process
once to stop: a worker finishes the job in hand (up to STOP_WAIT_SECONDS; a job cut short there is queued again by
esolplus.tasks.recover_stuck_tasks), where a second signal from the terminal would have cut it short at once.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from esolplus.management.commands.run_worker import worker_command

STOP_WAIT_SECONDS = 10


class Command(BaseCommand):
    help = "Run the development web server, the task worker and the scheduler until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true", help="Do not restart the web server on code changes.")

    def handle(self, *args, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        web = ["runserver", options["addrport"], *(["--noreload"] if options["noreload"] else [])]
        worker = ["run_worker"] if worker_command() else []
        commands = {"web": web, "worker": worker, "scheduler": ["run_scheduler"]}
        processes = {
            name: subprocess.Popen([*manage, *command], start_new_session=True)  # noqa: S603 - our own commands
            for name, command in commands.items()
            if command
        }
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            ended = {name: process.returncode for name, process in processes.items() if process.poll() is not None}
            if ended:
                name, exit_code = next(iter(ended.items()))
                self.stderr.write(f"The {name} process stopped (exit code {exit_code}); stopping the others.")
                break
            time.sleep(0.5)
        self._stop_all(processes)
        if exit_code:
            sys.exit(exit_code)

    def _stop_all(self, processes: dict[str, subprocess.Popen]) -> None:
        """SIGTERM to each (the worker finishes its current job first), then SIGKILL after STOP_WAIT_SECONDS."""
        for name, process in processes.items():
            if process.poll() is None:
                # The web server's whole group: runserver's autoreloader serves from a child process.
                if name == "web":
                    os.killpg(process.pid, signal.SIGTERM)
                else:
                    process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        for name, process in processes.items():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"The {name} process did not stop in {STOP_WAIT_SECONDS} s; killing it.")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if "web" in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(processes["web"].pid, signal.SIGKILL)  # the autoreloader's child, if it outlived its parent
