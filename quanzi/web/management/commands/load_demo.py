"""Load the demo data through the real services and print the demo logins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from quanzi.accounts.selectors import user_get_by_phone
from quanzi.web.demo.build import DEMO_PASSWORD, build


class Command(BaseCommand):
    help = "Create demo communities, members, posts and interactions (a fresh database is expected)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--members", type=int, default=300)
        parser.add_argument("--posts", type=int, default=620)

    def handle(self, *args: Any, **options: Any) -> None:
        if user_get_by_phone(phone="13800000000") is not None:
            raise CommandError("demo data is already loaded (run `make demo`, which starts from a fresh database)")
        started, cpu = time.monotonic(), time.process_time()
        self.stdout.write("loading demo data through the services ...")
        world = build(members=options["members"], posts=options["posts"], log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"demo data loaded in {time.monotonic() - started:.0f}s "
                                           f"(CPU {time.process_time() - cpu:.1f}s)"))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})  →  http://127.0.0.1:8000/login/")
        for login in world.logins:
            self.stdout.write(f"  {login.role:<9} {login.login}  {login.nickname}")
        self.stdout.write("  back office: http://127.0.0.1:8000/admin/ (operator)")
