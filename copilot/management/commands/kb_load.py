"""manage.py kb_load <folder> [--prune]: load the practice's documents for chart Q&A."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from copilot.kb.services import load_folder


class Command(BaseCommand):
    help = (
        "Load the Markdown, PDF and DOCX files of a folder into the practice knowledge base "
        "(unchanged files are skipped). --prune removes documents no longer in the folder."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--prune", action="store_true")

    def handle(self, *args, folder: Path, prune: bool, **options) -> None:
        try:
            result = load_folder(folder, prune=prune)
        except NotADirectoryError as error:
            raise CommandError(str(error)) from error
        for name in result.loaded:
            self.stdout.write(f"loaded     {name}")
        for name in result.unchanged:
            self.stdout.write(f"unchanged  {name}")
        for name in result.removed:
            self.stdout.write(f"removed    {name}")
        for name, why in result.failed.items():
            self.stderr.write(f"failed     {name}: {why}")
        summary = (
            f"{len(result.loaded)} loaded, {len(result.unchanged)} unchanged, "
            f"{len(result.removed)} removed, {len(result.failed)} failed."
        )
        self.stdout.write(self.style.SUCCESS(summary) if not result.failed else summary)
        if result.failed and not (result.loaded or result.unchanged):
            raise CommandError("No document could be loaded.")
