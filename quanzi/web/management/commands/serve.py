"""Serve the site with the job queue's consumer running in the same process (the embedded default)."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from huey.contrib.djhuey import HUEY


class Command(BaseCommand):
    help = "Run the web server with in-process jobs (huey consumer threads)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-jobs", action="store_true", help="do not start the in-process job consumer")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_jobs"]:
            consumer = HUEY.create_consumer(workers=2, worker_type="thread", periodic=True, check_worker_health=False)
            saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
            consumer.start()  # starts daemon worker and scheduler threads; returns at once
            for sig, handler in saved.items():  # keep Ctrl-C stopping the server, not only huey's loop
                signal.signal(sig, handler)
            self.stdout.write(self.style.SUCCESS("jobs: in-process consumer started (2 threads, periodic on)"))
        call_command("runserver", options["addrport"], use_reloader=False)
