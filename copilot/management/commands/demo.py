"""`manage.py demo`: the sandbox EHR (with its OpenID provider) and the copilot together on
loopback, signed in through the provider; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from sandbox.launch import Sandbox, SandboxError


class Command(BaseCommand):
    help = "Start the sandbox EHR (with its demo charts) and the copilot under daphne."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="copilot port (8000)")
        parser.add_argument("--sandbox-port", type=int, default=8090, help="EHR port (8090)")

    def handle(self, *args, port: int, sandbox_port: int, **options):
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, _stop)
        sandbox = Sandbox(port=sandbox_port)
        try:
            sandbox.start()
        except SandboxError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(sandbox.output[-1])
        call_command("migrate", interactive=False, verbosity=0)
        with override_settings(FHIR_BASE_URL=sandbox.base_url):  # to read its CareTeams
            call_command("seed_demo_users")
        call_command("kb_load", str(settings.BASE_DIR / "docs" / "practice-kb"), verbosity=0)
        env = {
            **os.environ,
            **sandbox.copilot_env(),
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "config.settings.local"
            ),
        }
        daphne = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
        processes = [
            subprocess.Popen([*daphne, "config.asgi:application"], env=env),
            subprocess.Popen([sys.executable, "manage.py", "run_outbox"], env=env),
        ]
        app = f"http://127.0.0.1:{port}"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nCopilot running. Client picker: {app}/\n"
                "Sign in at the sandbox's OpenID provider as chen, okafor, patel (pre-licensed),\n"
                "rivera (supervisor) or admin; password: demo.\n"
                "Each sees their caseload; admin manages users and caseloads at /admin/.\n"
                f"SMART EHR launch: http://127.0.0.1:{sandbox_port}/ehr/launch"
                f"?patient=bh-001&app={app}/smart/launch\n"
                "Press Ctrl-C to stop the copilot and the sandbox EHR.\n"
            )
        )
        try:
            processes[0].wait()
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            for process in processes:
                process.terminate()
                process.wait()
            sandbox.stop()


def _stop(signum, frame):
    raise KeyboardInterrupt
