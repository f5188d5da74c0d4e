"""kb_load: a folder into the practice collection; unchanged files skipped; prune; errors."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from copilot.kb.index import PracticeIndex
from copilot.kb.models import PracticeDocumentRecord
from copilot.kb.services import load_folder

pytestmark = pytest.mark.django_db


def test_a_folder_loads_and_is_searchable_with_section_citations(sample_folder):
    result = load_folder(sample_folder)
    assert len(result.loaded) == 10 and not result.failed
    assert PracticeDocumentRecord.objects.count() == 10
    hits = PracticeIndex().search("documents needed for a prior authorization request", 5)
    assert hits[0].chunk.source.startswith("kb:prior-authorization-procedure.md#")
    assert all(h.chunk.kind == "practice-document" for h in hits)


def test_reloading_skips_unchanged_files_and_reindexes_changed_ones(sample_folder):
    load_folder(sample_folder)
    policy = sample_folder / "late-cancellation-and-no-show-policy.md"
    policy.write_text(
        policy.read_text() + "\n## Snow Days\n\nSessions cancelled for snow are free.\n"
    )
    again = load_folder(sample_folder)
    assert again.loaded == [policy.name] and len(again.unchanged) == 9
    hits = PracticeIndex().search("cancelled because of snow", 3)
    assert hits[0].chunk.source == f"kb:{policy.name}#Snow Days"


def test_prune_removes_documents_no_longer_in_the_folder(sample_folder):
    load_folder(sample_folder)
    (sample_folder / "mandated-reporting-procedure.md").unlink()
    result = load_folder(sample_folder, prune=True)
    assert result.removed == ["mandated-reporting-procedure.md"]
    sources = {h.chunk.source for h in PracticeIndex().search("child abuse report hotline", 10)}
    assert not any("mandated-reporting" in s for s in sources)


def test_a_broken_file_is_reported_and_the_others_still_load(sample_folder):
    (sample_folder / "scanned.pdf").write_bytes(b"%PDF-1.4 broken")
    result = load_folder(sample_folder)
    assert "scanned.pdf" in result.failed and len(result.loaded) == 10


def test_the_command_prints_each_file_and_fails_on_a_missing_folder(sample_folder, tmp_path):
    out = StringIO()
    call_command("kb_load", str(sample_folder), stdout=out)
    assert "loaded     prior-authorization-procedure.md" in out.getvalue()
    assert "10 loaded, 0 unchanged, 0 removed, 0 failed." in out.getvalue()
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("kb_load", str(tmp_path / "missing"), stdout=StringIO())
