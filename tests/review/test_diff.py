"""The word-level diff of a section's final text against its AI text."""

from __future__ import annotations

from copilot.review.diff import DiffSegment, word_diff


def test_an_edit_is_shown_as_whole_words_deleted_and_inserted():
    assert word_diff("Mood low. Plan CBT.", "Mood euthymic. Plan CBT.") == (
        DiffSegment("equal", "Mood "),
        DiffSegment("delete", "low. "),
        DiffSegment("insert", "euthymic. "),
        DiffSegment("equal", "Plan CBT."),
    )


def test_the_segments_rebuild_both_texts():
    ai = "Client reported sleeping better.\nMood euthymic, affect bright."
    final = (
        "Client reported sleeping 6 hours.\n\nMood euthymic; affect bright. Safety plan reviewed."
    )
    segments = word_diff(ai, final)
    assert "".join(s.text for s in segments if s.op != "delete") == final
    assert "".join(s.text for s in segments if s.op != "insert") == ai


def test_unchanged_text_is_one_equal_segment_and_empty_text_none():
    assert word_diff("Same text.", "Same text.") == (DiffSegment("equal", "Same text."),)
    assert word_diff("", "") == ()
