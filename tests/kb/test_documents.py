"""Reading practice documents into sections: Markdown, DOCX and PDF, and bad files."""

from __future__ import annotations

import pytest

from copilot.kb.documents import DocumentError, documents_in, read_document

from .conftest import SAMPLE


def test_markdown_sections_keep_their_heading_path():
    document = read_document(SAMPLE / "prior-authorization-procedure.md")
    assert document.title == "Prior Authorization Procedure"
    headings = [s.heading for s in document.sections]
    assert "Documents Needed" in headings and "Steps to Submit a Prior Authorization" in headings
    needed = next(s for s in document.sections if s.heading == "Documents Needed")
    assert needed.path == ("Prior Authorization Procedure", "Documents Needed")
    assert "treatment plan" in needed.text and "## " not in needed.text


def test_third_level_markdown_headings_are_sections_of_their_own():
    document = read_document(SAMPLE / "documentation-standards.md")
    birp = next(s for s in document.sections if s.heading == "BIRP")
    assert len(birp.path) == 3 and "Behavior" in birp.text


def test_docx_sections_come_from_heading_styles():
    document = read_document(SAMPLE / "clinical-supervision-and-co-signature-policy.docx")
    assert document.title == "Clinical Supervision and Co-Signature Policy"
    timelines = next(s for s in document.sections if s.heading == "Co-Signature Timelines")
    assert timelines.path[0] == document.title
    assert "business day" in timelines.text


def test_pdf_sections_come_from_the_outline_with_wrapped_lines_joined():
    document = read_document(SAMPLE / "release-of-information-procedure.pdf")
    assert document.title == "Release of Information Procedure"
    headings = [s.heading for s in document.sections]
    assert headings[:3] == ["Release of Information Procedure", "Purpose", "The ROI Form"]
    part2 = next(s for s in document.sections if s.heading == "42 CFR Part 2 Records")
    assert "Part 2" in part2.text and "Psychotherapy Notes" not in part2.text


def test_the_folder_readme_is_not_a_document():
    names = [p.name for p in documents_in(SAMPLE)]
    assert "README.md" not in names and len(names) == 10


def test_unsupported_empty_and_broken_files_say_why(tmp_path):
    (tmp_path / "notes.txt").write_text("plain text")
    (tmp_path / "empty.md").write_text("   \n")
    (tmp_path / "broken.pdf").write_bytes(b"not a pdf")
    with pytest.raises(DocumentError, match="only Markdown, PDF and DOCX"):
        read_document(tmp_path / "notes.txt")
    with pytest.raises(DocumentError, match="holds no text"):
        read_document(tmp_path / "empty.md")
    with pytest.raises(DocumentError, match="broken.pdf"):
        read_document(tmp_path / "broken.pdf")
