"""One member's view of a group session's notes or transcript.

Each member's note may hold only the group's shared content and that member's own
participation. The rules, privacy first (a sentence in doubt is dropped, a name in
doubt replaced):

- Roster forms: every recorded name of every Group member (full names and their
  parts, copilot.deid.recognizers.name_forms, with or without a title such as "Ms."),
  every identifier value (MRN …) and the Patient id. A form two members share counts
  as the other member's, so it is always replaced.
- Transcript (speaker tags at line starts, as in copilot.drafting.text.segment): the
  member's own turns are kept, tagged "Client:"; the facilitator's ("Therapist:",
  "Facilitator:", "Dr. …:", the facilitator's name) kept, tagged "Therapist:"; every
  other speaker's turns (other members, names not on the roster, "Group:") dropped.
- In the member's own turns every sentence is theirs and kept. Elsewhere, sentence
  by sentence: a sentence naming another member and not
  this one is about another member and is dropped; so is a following sentence that
  names nobody but speaks of a person ("she", "his", "you") rather than the group
  ("everyone", "we", "the group") — it goes on about the same person. In the
  sentences left, every other member's form becomes "another group member".
- Everything else is the group's shared content, kept in every member's view.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from copilot.deid.recognizers import name_forms, name_parts
from copilot.drafting.text import split_sentences
from copilot.ehr.groups import GroupMember

ANOTHER = "another group member"
_TITLE = r"(?:(?:mr|mrs|ms|miss|mx|dr|prof)\.?\s+)?"
_SPEAKER = re.compile(
    r"^[ \t]*(?P<tag>[A-Za-z][A-Za-z.'\u2019-]*(?:[ \t]+[A-Za-z.'\u2019-]+){0,2})[ \t]*:[ \t]*"
)
_FACILITATOR_TAGS = frozenset(
    re.findall(
        r"\S+",
        "therapist facilitator co-facilitator cofacilitator leader clinician counselor "
        "counsellor doctor t",
    )
)
_PERSONAL = re.compile(
    r"\b(?:he|she|him|her|his|hers|himself|herself|they|them|their|theirs|you|your|yours)\b",
    re.IGNORECASE,
)
GROUPWIDE = re.compile(
    r"\b(?:everyone|everybody|all of you|the group|group members|members|we|us|our|let's)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class MemberView:
    """What one member's draft is written from: `text` (notes, or a transcript tagged
    Therapist:/Client:), and how many input sentences were `kept`, `dropped` as about
    another member, and how many mentions of other members were `replaced`."""

    client_id: str
    text: str
    kept: int
    dropped: int
    replaced: int


@dataclass(frozen=True)
class _People:
    """Patterns for one member's view: this member's mentions and everyone else's."""

    own: re.Pattern[str] | None
    others: re.Pattern[str] | None
    own_tags: frozenset[str]
    facilitator_tags: frozenset[str]

    def mentions_other(self, sentence: str) -> bool:
        return mentions(self.others, sentence)

    def mentions_own(self, sentence: str) -> bool:
        return mentions(self.own, sentence)


def mentions(pattern: re.Pattern[str] | None, text: str) -> bool:
    return bool(pattern and pattern.search(text))


def own_pattern(member: GroupMember, roster: Sequence[GroupMember]) -> re.Pattern[str] | None:
    """What names `member` in text and names no one else on the roster (None: nothing)."""
    return _people(member, roster, "").own


def _forms(member: GroupMember) -> set[str]:
    """Lower-cased name forms, identifier values and the id of one member."""
    return {f.lower() for f in (*name_forms(member.names), *member.identifiers, member.client_id)}


def _pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(set(forms), key=len, reverse=True)
    if not ordered:
        return None
    names = "|".join(re.escape(f) for f in ordered)
    return re.compile(rf"(?<![\w-]){_TITLE}(?:{names})(?![\w-])", re.IGNORECASE)


def _people(member: GroupMember, roster: Sequence[GroupMember], facilitator: str) -> _People:
    others = set().union(*(_forms(m) for m in roster if m.client_id != member.client_id))
    own = _forms(member) - others
    own_tags = {f for f in own if not any(ch.isdigit() for ch in f)}
    facilitator_tags = {f.lower() for f in name_forms([facilitator])} if facilitator else set()
    return _People(
        _pattern(own), _pattern(others), frozenset(own_tags), frozenset(facilitator_tags)
    )


def member_view(
    text: str, member: GroupMember, roster: Sequence[GroupMember], *, facilitator: str = ""
) -> MemberView:
    """`text` (the session's notes or transcript) as `member`'s note may hold it; see the
    module docstring for the rules. `roster` is every member of the Group (attending or
    not); `facilitator` the facilitator's display name (a speaker tag of theirs counts
    as the therapist's). Pure: no I/O, never raises for any text."""
    people = _people(member, roster, facilitator)
    scrubber = _Scrubber(people)
    if _is_transcript(text, people, roster):
        body = _transcript(text, people, scrubber)
    else:
        body = "\n".join(filter(None, (scrubber.line(line) for line in text.splitlines())))
    return MemberView(
        member.client_id, body.strip(), scrubber.kept, scrubber.dropped, scrubber.replaced
    )


class _Scrubber:
    """Keeps, drops and rewrites sentences in order (the continuation rule needs order)."""

    def __init__(self, people: _People) -> None:
        self.people = people
        self.kept = self.dropped = self.replaced = 0
        self.following_dropped = False
        self.own_turn = False  # in the member's own turn, every sentence is theirs

    def line(self, line: str) -> str:
        kept = [self.sentence(line[s:e]) for s, e in split_sentences(line, 0, len(line))]
        return " ".join(k for k in kept if k)

    def sentence(self, sentence: str) -> str:
        people = self.people
        if self.own_turn:
            self.kept += 1
            return self.replace(sentence)
        about_other = people.mentions_other(sentence) and not people.mentions_own(sentence)
        goes_on = (
            self.following_dropped
            and not people.mentions_own(sentence)
            and not people.mentions_other(sentence)
            and _PERSONAL.search(sentence) is not None
            and GROUPWIDE.search(sentence) is None
        )
        self.following_dropped = about_other or goes_on
        if self.following_dropped:
            self.dropped += 1
            return ""
        self.kept += 1
        return self.replace(sentence)

    def replace(self, sentence: str) -> str:
        if self.people.others is None:
            return sentence

        # Lower case even at a sentence start: the engines' reported speech puts the
        # sentence after "Client reported that"; they capitalize sentence starts.
        replaced, count = self.people.others.subn(ANOTHER, sentence)
        self.replaced += count
        return replaced


# --- transcripts ---------------------------------------------------------------------


def _speaker(tag: str, people: _People) -> str | None:
    """ "therapist", "client" (this member) or None (anyone else) for a speaker tag."""
    words = [w.lower().rstrip(".") for w in re.findall(r"[A-Za-z.'\u2019-]+", tag)]
    joined = " ".join(words)
    if joined in _FACILITATOR_TAGS or words[0] == "dr" or joined in people.facilitator_tags:
        return "therapist"
    parts = [p.lower() for p in name_parts(tag)]
    if parts and (joined in people.own_tags or all(p in people.own_tags for p in parts)):
        return "client"
    return None


def _is_transcript(text: str, people: _People, roster: Sequence[GroupMember]) -> bool:
    """Two or more lines tagged by the facilitator or a member, making at least half of
    the non-empty lines (the rule of copilot.drafting.text.segment)."""
    known = set(people.facilitator_tags) | _FACILITATOR_TAGS
    known |= {f.lower() for m in roster for f in name_forms(m.names)}
    lines = [line for line in text.splitlines() if line.strip()]
    tagged = 0
    for line in lines:
        match = _SPEAKER.match(line)
        tag = match["tag"].lower().rstrip(".") if match else ""
        tagged += bool(match) and (tag in known or tag.startswith("dr"))
    return tagged >= 2 and 2 * tagged >= len(lines)


def _transcript(text: str, people: _People, scrubber: _Scrubber) -> str:
    """Turns re-tagged Therapist:/Client:, other speakers' turns left out; an untagged
    line continues the turn before it. After another member's turn, the facilitator's
    next sentences that speak of a person ("that sounds hard for you") are theirs too."""
    out: list[str] = []
    speaker: str | None = "therapist"  # lines before the first tag: the facilitator's intro
    tagged = False  # whether the current turn's tag is already written
    for line in text.splitlines():
        if match := _SPEAKER.match(line):
            speaker, line, tagged = _speaker(match["tag"], people), line[match.end() :], False
            scrubber.own_turn = speaker == "client"
            if scrubber.own_turn:
                scrubber.following_dropped = False
        if speaker is None:
            scrubber.dropped += len(split_sentences(line, 0, len(line)))
            scrubber.following_dropped = True
            continue
        if kept := scrubber.line(line):
            tag = "Therapist" if speaker == "therapist" else "Client"
            out.append(kept if tagged else f"{tag}: {kept}")
            tagged = True
    return "\n".join(out)
