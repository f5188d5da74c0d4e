"""Re-identifying a streamed reply whose placeholders arrive split over chunks."""

from __future__ import annotations

import random

import pytest

from copilot.deid.stream import StreamReidentifier, replace_all

MAPPING = {
    "[CLIENT]": "Maya",
    "[PERSON_1]": "Dana",
    "[PERSON_12]": "Bob Smith",
    "[DATE_1]": "March 3",
    "April 9, 2026": "March 10, 2026",  # a shifted date
}
REPLY = (
    "[CLIENT] said [PERSON_1] visited on [DATE_1]; [PERSON_12] called on April 9, 2026. "
    "A bracket [ that is no placeholder, [PERSON_3] unknown, and April 9 alone."
)
EXPECTED = (
    "Maya said Dana visited on March 3; Bob Smith called on March 10, 2026. "
    "A bracket [ that is no placeholder, [PERSON_3] unknown, and April 9 alone."
)


def reidentify(chunks: list[str]) -> str:
    stream = StreamReidentifier(MAPPING)
    return "".join(stream.feed(c) for c in chunks) + stream.close()


def test_whole_text_is_mapped_back():
    assert replace_all(REPLY, MAPPING) == EXPECTED


def test_every_two_way_split_gives_the_same_text():
    for cut in range(len(REPLY) + 1):
        assert reidentify([REPLY[:cut], REPLY[cut:]]) == EXPECTED, cut


@pytest.mark.parametrize("seed", range(10))
def test_random_chunking_gives_the_same_text(seed):
    rng = random.Random(seed)
    chunks, i = [], 0
    while i < len(REPLY):
        size = rng.randint(1, 6)
        chunks.append(REPLY[i : i + size])
        i += size
    assert reidentify(chunks) == EXPECTED


def test_text_is_released_as_soon_as_it_cannot_begin_a_placeholder():
    stream = StreamReidentifier(MAPPING)
    assert stream.feed("Hello [PERS") == "Hello "
    assert stream.feed("ON_1] and more") == "Dana and more"
