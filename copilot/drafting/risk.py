"""Risk flags: suicidal or homicidal ideation, self-harm and intent/plan, with negation.

Findings come from the clinician's input text and from the chart (recent progress
notes, and PHQ-9 item 9 on the latest administration). Each finding is either
positive (the draft cannot be approved until the clinician acknowledges it; the
gating lives elsewhere) or a documented denial ("Client denies SI/HI.").

Rules and their sources:

- Negation follows NegEx: Chapman WW, Bridewell W, Hanbury P, Cooper GF, Buchanan BG.
  "A simple algorithm for identifying negated findings and diseases in discharge
  summaries." J Biomed Inform 2001;34(5):301-310. Pre-negation cues ("denies",
  "no", "negative for") negate the triggers after them, post-negation cues ("was
  denied", "not present") the triggers before them, pseudo-negations ("no longer
  denies", "cannot rule out") are not negations, and termination terms ("but",
  "however", ";") end a cue's scope. Unlike NegEx's five-term window, a scope runs to
  the end of its clause so lists ("denies SI, HI, or self-harm") are covered; clauses
  also end where a new cue or subject follows a comma or "and" ("endorsed passive SI
  and denied plan or intent" is two clauses).
- "plan" and "intent" count only in a sentence that also mentions suicide,
  homicide, self-harm or lethal means ("denies SI, plan, or intent"), never in
  "safety plan", "treatment plan" or "plans to attend group".
- PHQ-9 item 9 ("thoughts that you would be better off dead, or of hurting yourself")
  scored 1 or more calls for a risk assessment whatever the total: Kroenke K,
  Spitzer RL, Williams JBW, J Gen Intern Med 2001;16(9):606-613. It is reported as a
  positive suicidal_ideation finding citing the Observation.
- A mention of another person's suicide or self-harm ("her brother attempted suicide
  last year") stays a positive finding, marked `about_other`: family history of
  suicide is itself a risk factor (Qin P, Agerbo E, Mortensen PB, Lancet
  2002;360:1126-1130), and wrongly attributing the client's own statement to someone
  else must never silence a flag. The clinician acknowledges it like any other.

Limitations: rule-based, English only. Questions are read like statements ("Any
thoughts of suicide?" in a transcript is a positive flag); second-person forms
("killing yourself") are not triggers. "plan"/"intent" in a sentence without a risk
term ("Denies SI. No plan.") is not counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from copilot.chart import ChartContext

from .types import Source

RiskKind = Literal[
    "suicidal_ideation", "homicidal_ideation", "self_harm", "intent_or_plan", "abuse"
]

# --- Trigger tables (case-insensitive, whole words) ----------------------------------

_SELF = r"(?:myself|herself|himself|themselves|themself|oneself)"
_POSS = r"(?:my|her|his|their)"
_RELATION = (
    r"(?:boss|manager|husband|wife|partner|ex|father|mother|dad|mom|brother|sister|son"
    r"|daughter|kids?|children|family|boyfriend|girlfriend|neighbou?r|co-?workers?|roommate)"
)
_OTHERS = (
    r"(?:someone|somebody|anyone|anybody|everyone|others|other\s+people|people"
    rf"|{_POSS}\s+{_RELATION})"
)
_NOUN = r"(?:\s+(?:ideation|thoughts?|attempts?|behaviou?rs?|gestures?|urges?|feelings?))?"
_DONT = r"(?:(?:do|does|did)n['’]t|(?:do|does|did)\s+not|not)"
_RISK_VERB = r"(?:die|kill|end|harm|hurt|overdose|shoot|hang|jump|cut|burn|take)"
_PLAN = r"(?:plans?|planned|planning|intent|intentions?|intends?)"

TRIGGERS: dict[RiskKind, tuple[str, ...]] = {
    "suicidal_ideation": (
        rf"suicid\w*{_NOUN}",  # suicidal ideation/thoughts, suicide attempt, suicidality
        r"s/i",
        rf"(?:kill|hang|shoot)(?:s|ing|ed)?\s+{_SELF}",
        rf"end(?:ing)?\s+(?:it(?:\s+all)?|{_POSS}\s+(?:own\s+)?life)",
        rf"tak(?:e|es|ing)\s+{_POSS}\s+(?:own\s+)?life",
        r"better\s+off\s+(?:dead|without\s+(?:me|her|him|them))",
        # perceived burdensomeness said without "without me" ("I feel like they'd all be
        # better off", "they'd be better off not having to cart me around"): Joiner's
        # interpersonal theory (Van Orden KA et al., Psychol Rev 2010;117:575-600)
        r"(?:they|everyone|everybody|people|my\s+family|my\s+kids)(?:['’]d|\s+would)\s+(?:all\s+)?"
        r"be\s+better\s+off(?=\s*(?:[.!;,]|$)|\s+(?:if\s+I\b|not\s+having\s+to))",
        # "the kids would manage fine without me", not "… without me for the weekend"
        r"(?:manage|cope|get\s+by|be)\s+(?:just\s+)?(?:fine|okay|ok|alright|all\s+right)\s+"
        r"without\s+me(?!\s+(?:for|while|during|when|at|on|this|next|if|until|till|tonight|today|"
        r"tomorrow)\b)",
        # a history of attempts in shorthand ("No hx attempts"), not "hx of attempts to quit"
        r"(?:hx|history)\s+(?:of\s+)?(?:prior\s+|previous\s+)?(?:suicide\s+)?attempts?\b"
        r"(?!\s+(?:to|at)\b)",
        r"(?:want|wish)(?:s|es|ed|ing)?\s+to\s+(?:die|be\s+dead)",
        r"wish(?:es|ed|ing)?\s+(?:I|she|he|they)\s+(?:was|were)\s+dead",
        r"wish(?:es|ed|ing)?\s+(?:I|she|he|they)\s+(?:could|would)\s+(?:just\s+)?die",
        r"(?:wish|hope)(?:s|es|ed|ing)?\s+(?:I|she|he|they)\s+"
        r"(?:would\s+not|would\s+never|wouldn['’]t|won['’]t|never)\s+wake\s+up",
        r"(?:easier|better|rather|prefer)\s+(?:to\s+)?not\s+(?:to\s+)?wake\s+up",
        r"(?:of|about)\s+not\s+waking\s+up",
        r"go(?:ing)?\s+to\s+sleep\s+and\s+(?:not|never)\s+wak(?:e|ing)\s+up",
        # a passive death wish said as a condition or, in grief, as joining the dead
        # ("if I didn't wake up one morning, that would be all right"; "I'd just like to
        # go be with him"): C-SSRS item 1 (Posner et al. 2011)
        r"if\s+(?:I|she|he|they)\s+(?:just\s+)?(?:didn['’]t|did\s+not|never|wouldn['’]t)\s+wake\s+up"
        r"(?!\s+(?:at|on\s+time|in\s+time|early|until|till|for|by|before|when|to)\b)",
        r"(?:like|want|wish|ready)(?:s|es|ed|ing)?\s+to\s+(?:just\s+)?go\s+be\s+with\s+(?:him|her|them)",
        rf"{_DONT}\s+want(?:s|ing)?\s+to\s+(?:live|be\s+alive|exist|wake\s+up|be\s+here)",
        r"no\s+reason\s+to\s+live",
        r"(?:not|n['’]t)\s+worth\s+living",
        r"death\s+wish",
        r"thoughts?\s+(?:of|about)\s+(?:death|dying|being\s+dead)",
        # Wish to be dead and perceived burdensomeness ("it'd be easier for everybody if I
        # just wasn't here"): C-SSRS item 1 (Posner et al., Am J Psychiatry 2011), and
        # Joiner's interpersonal theory of suicide (Van Orden et al., Psychol Rev 2010).
        r"(?:easier|better)\s+(?:for\s+(?:\w+\s+){1,2})?if\s+(?:I|she|he|they)\s+(?:just\s+)?"
        r"(?:wasn['’]t|weren['’]t|was\s+not|were\s+not)\s+(?:here|around|alive)",
        r"(?:easier|better)\s+(?:for\s+(?:\w+\s+){1,2})?if\s+(?:I|she|he|they)\s+(?:just\s+)?"
        r"(?:was|were)\s+(?:gone|dead)",
        r"(?:easier|better)\s+(?:for\s+(?:\w+\s+){1,2})?(?:to\s+)?(?:just\s+)?not\s+(?:to\s+)?be\s+"
        r"(?:here|around|alive)(?!\s+(?:when|while|during|at|for|on|in|after|before)\b)",
        r"(?:want|wish|like)(?:s|ed|ing)?\s+to\s+(?:just\s+)?not\s+be\s+(?:here|around|alive)"
        r"(?!\s+(?:when|while|during|at|for|on|in|after|before|tomorrow|next|this)\b)",
        r"wish(?:es|ed|ing)?\s+(?:I|she|he|they)\s+(?:wasn['’]t|weren['’]t|was\s+not|were\s+not)"
        r"\s+(?:here|alive|around|born)",
        rf"(?:a\s+)?burden\s+(?:to|on)\s+(?:everyone|everybody|{_POSS}\s+{_RELATION})",
        # Said plainly in a session ("I would never do anything to myself"), and
        # hopelessness said as a whole clause ("I just don't see the point."), which
        # C-SSRS and IS PATH WARM (Juhnke et al. 2007) count as a warning sign; not
        # "I don't see the point of the worksheet".
        rf"do\s+(?:anything|something)\s+(?:stupid\s+)?to\s+{_SELF}",
        r"(?:(?:do|does|did)n['’]t|(?:do|does|did)\s+not|can['’]t|cannot|could\s+not|couldn['’]t)"
        r"\s+(?:\w+\s+)?(?:see|find)\s+(?:the|any)\s+point(?:\s+(?:in|of)\s+(?:living|life|"
        r"going\s+on|anything|it\s+all))?(?:\s+(?:anymore|any\s+more))?(?=\s*(?:[.!?;]|$))",
    ),
    "homicidal_ideation": (
        rf"homicid\w*{_NOUN}",
        r"h/i",
        rf"(?:kill|murder|shoot|stab)(?:s|ing)?\s+(?:him|her|them|{_OTHERS})",
        rf"(?:hurt|harm|injur(?:e|es|ing)|attack)(?:s|ing)?\s+{_OTHERS}",
        r"(?:harm|violence)\s+(?:to(?:wards?)?|against)\s+(?:self\s+or\s+)?others",
        # "He's never been violent", not "a violent film"
        r"(?:been|gets?|got|getting|became|becomes)\s+(?:physically\s+)?violent\b",
        r"violent\s+(?:thoughts|urges|ideation|fantasies)",
        rf"put(?:s|ting)?\s+(?:my\s+|his\s+|her\s+|their\s+)?hands\s+on\s+(?:him|her|{_OTHERS})",
        r"(?:hurt|harm)(?:s|ing)?\s+(?:the|my|our|her|his|their)\s+(?:baby|child|kids?|son|daughter)",
        r"(?:hurt|harm)(?:s|ing)?\s+(?:him|her|them)\b",  # "I would never hurt her"
        # intrusive images or thoughts of harm coming to an infant ("I'll see her falling",
        # "what if I just dropped her"), common and mostly ego-dystonic after birth, to be
        # asked about and documented (Fairbrother N, Woody SR, Arch Womens Ment Health
        # 2008;11:221-229): flagged so the clinician records the assessment
        r"(?:see|picture|imagine|pictures?\s+of|images?\s+of)\s+(?:her|him|the\s+baby|my\s+baby)"
        r"\s+(?:going\s+(?=under\b))?(?:falling(?!\s+(?:asleep|behind|apart|in\s+love|for))|drowning|under\s+the\s+water|"
        r"getting\s+hurt|dying|dead|hurt)",
        r"what\s+if\s+I\s+(?:just\s+)?(?:drop(?:ped)?|drown(?:ed)?|hurt|smother(?:ed)?|shake|shook|"
        r"suffocated?)\s+"
        r"(?:her|him|the\s+baby|my\s+baby)",
        # violence the client does (intake.risk_kind files violence toward others here
        # too): "I shoved her into the doorframe", "I've never laid a hand on him"
        rf"\bI(?:['’]ve|\s+have)?\s+(?:(?!never\b|not\b)\w+\s+)?(?:pushed|shoved|hit|slapped|punched|"
        rf"kicked|choked|grabbed|strangled)"
        rf"\s+(?:her|him|them|{_POSS}\s+{_RELATION})\b",
        rf"(?:laid|lay|put)\s+a\s+hand\s+on\s+(?:him|her|them|{_OTHERS})",
        # "I've never hit her": the verb after "never", so that NegEx reads the denial
        rf"(?<=never\s)(?:pushed|shoved|hit|slapped|punched|kicked|choked|grabbed|strangled)"
        rf"\s+(?:her|him|them|{_POSS}\s+{_RELATION})\b",
        r"(?:gotten|got|get|getting|gets)\s+physical\s+with(?!\s+me\b)",
        # violence toward a named other wanted or pictured ("some days I want to smash his
        # face in", "I picture just decking him", "I wanted to throw him through the
        # wall"), not "hit him up", "beat her at chess" or "throw him a party"
        rf"(?:want|wanted|wanting|wants|wish|wished|feel\s+like)\s+to\s+(?:just\s+)?"
        rf"(?:smash|punch|deck|hit|beat|strangle|choke|slap|smack|kick|stab|sock)\s+"
        rf"(?:him|her|them|{_OTHERS}|(?:his|her|their)\s+(?:face|head|teeth))\b"
        r"(?!\s+(?:up|at|in\s+(?:a|the)\s+(?:game|race|match)|to\s+it)\b)",
        r"(?:want|wanted|wanting|wants)\s+to\s+(?:just\s+)?throw\s+(?:him|her|them)\s+"
        r"(?:through|against|into|down|off)\b",
        r"(?:picture|pictured|picturing|imagine|imagined|imagining)\s+(?:just\s+)?"
        r"(?:decking|punching|hitting|beating|stabbing|strangling|choking|shooting|hurting|"
        r"killing)\s+(?:him|her|them)\b",
        # "is there anyone else you've had thoughts of hurting?"
        r"(?:anyone|anybody|someone)\s+(?:else\s+)?(?:[\w'’]+\s+){0,4}thoughts?\s+(?:of|about)\s+"
        r"(?:hurting|harming|killing)(?!\s+(?:myself|yourself|themselves|herself|himself))",
    ),
    "self_harm": (
        r"self[-\s]?(?:harm|injur|mutilat)\w*",
        rf"(?:hurt|harm|injur(?:e|es|ed|ing)|cut|burn|hit|punch)(?:s|ing|ting|ed)?\s+{_SELF}",
        r"harm(?:ing)?\s+(?:to\s+)?(?:self|oneself)",
        r"cutting",
        rf"cut\s+{_POSS}\s+(?:arms?|wrists?|legs?|thighs?|skin)",
        r"urges?\s+to\s+(?:cut|burn|self[-\s]?harm)",
        r"(?:want(?:s|ed|ing)?|tempted)\s+to\s+cut\b(?!\s+(?:back|down|out|off|ties|corners))",
        r"(?:self|cigarette)[-\s]?burn\w*",
        r"overdos(?:e|es|ed|ing)",
        # an overdose told as what was taken ("I took a bunch of pills"), not taking one's
        # medication as prescribed
        r"took\s+(?:a\s+(?:bunch|handful|lot|whole\s+bottle|full\s+bottle)\s+of|all\s+(?:of\s+)?"
        r"(?:my|the|her|his|their)\s+(?:\w+\s+)?(?:pills|tablets|meds)\s+at\s+once|too\s+many)\s+"
        r"(?:(?:my|her|his|their|the)\s+)?(?:\w+\s+)?(?:pills|tablets|meds|medications?)",
        # "Like the whole bottle, like twenty-five of them." said after the pills named
        r"(?:took\s+)?(?:like\s+)?the\s+(?:whole|entire|full)\s+bottle(?!\s+of\s+(?:water|wine|"
        r"shampoo|ketchup|sauce|soda))",
        # clean time told as a date ("I haven't cut since March"), and a blade taken up
        # (DBT chain analysis: the urge acted on up to the last step)
        rf"cut(?:\s+{_SELF})?\s+(?:since\b|in\s+(?:\w+\s+){{0,2}}(?:days?|weeks?|months?|years?)\b)",
        r"(?:looked\s+at|held|picked\s+up|got\s+out|took\s+out)\s+(?:the|a|my)\s+"
        r"(?:razor|blade|box\s+cutter)",
        # the act said without an object ("I cut. On Saturday night.", "I cut again last
        # week"), not "I cut back on coffee" or "I cut the grass"
        r"I(?:['’]ve)?\s+cut(?:\s+again)?(?=\s*(?:[.!;,]|$)|\s+(?:again|last|yesterday|twice|"
        r"once|this\s+(?:week|weekend|morning)|on\s+\w+day|a\s+(?:couple|few)\s+(?:of\s+)?times|"
        r"(?:two|three|four|\d+)\s+times)\b)",
        r"(?<=n['’]t\s)cut(?=\s*(?:[.!;,]|$))",  # "I didn't cut.", for NegEx to read as a denial
        # "Last time I cut was four months ago", not "the last time I cut my hair"
        r"(?:last|first)\s+time\s+I\s+(?:cut|burned)\b(?!\s+(?:my|the|it|back|down|out|off|his|"
        r"her|a|some|up)\b)",
    ),
    # Abuse or violence the client suffers (a disclosure may oblige a report, and
    # intimate-partner violence is screened for: USPSTF, JAMA 2018;320(16):1678-1687).
    "abuse": (
        r"abus(?:e|es|ed|ing|ive)",
        r"(?:hits?|hitting|beats?|beating|chokes?|choked|choking|kicks?|kicked|slaps?|slapped)"
        r"\s+me\b(?!\s+(?:out|off)\b)",  # not "they'd kick me out of the group"
        r"molest\w*",
        r"(?:assaulted|raped|attacked|molested)\s+me\b",
        # violence against the client said plainly ("he pushed me. Shoved me.", "he grabbed
        # my arm, hard"), not a push to do something ("she pushed me to apply", "pushed me
        # away")
        r"(?:shoved|punched|strangled)\s+me\b",
        r"pushed\s+me\b(?!\s+(?:to\b|into\s+(?!the\b|a\b)|out\s+of\s+my\s+comfort|away|forward|"
        r"along|harder|too|through))",
        r"grabbed\s+(?:me\s+by|my\s+(?:arm|wrist|neck|throat|hair|shoulders?))\b",
        r"(?:he|she|they)(?:['’]d|\s+would|\s+used\s+to)?\s+lock(?:s|ed)?\s+me\s+(?:out|in)\b",
        r"(?:sexually|physically)\s+assault\w*",
        rf"(?:afraid|scared)\s+(?:of|to\s+go\s+home\s+to)\s+(?:him|her|{_POSS}\s+{_RELATION})",
        r"(?:domestic|intimate[-\s]partner)\s+violence",
        r"not\s+safe\s+at\s+home",
        # someone else hurting the client, asked or told ("has anyone at home ever gotten
        # physical with you? Hit you, hurt you?" read with the client as "me"; "nobody's
        # hurting me"), not "it hurt me" or "my back hurts me"
        r"(?:anyone|anybody|someone|somebody|he|she|they)(?:['’]s|\s+has|\s+had|"
        r"\s+ever|\s+is|\s+was|\s+at\s+home|\s+there)*\s+(?:hurt(?:s|ing)?|touch(?:ed|es|ing)|"
        r"threaten(?:s|ed|ing)?|hit(?:s|ting)?)\s+me\b",
        # neglect said plainly (a child's basic needs unmet: CAPTA's definition, 42 U.S.C.
        # 5101 note), the negation inside the statement ("there wasn't always food")
        r"(?:wasn['’]t|was\s+not|weren['’]t|never\s+had)\s+(?:always\s+|enough\s+|any\s+)?food\s+"
        r"(?:in\s+the\s+(?:house|fridge|home)|at\s+home)",
        r"(?:left|leave|leaving)\s+(?:me|us|them|him|her|alone)(?:\s+(?:and|with)\s+[\w\s]{0,20}?)?"
        r"(?:\s+alone)?\s+for\s+(?:days|weeks|a\s+week)",
        r"(?:nobody|no\s+one)\s+(?:fed|feeding|was\s+feeding)\s+(?:me|us)|went\s+hungry",
        r"(?<=never\s)(?:hurt|touched|hit|threatened)\s+me\b",  # "he's never touched me"
        # after "nobody", the verb alone, so that NegEx reads "nobody's hurting me" as a denial
        r"(?<=\bnobody['’]s\s)(?:hurting|touching|threatening|hitting)\s+me\b",
        r"(?<=\bnobody\s)(?:hurts|touches|threatens|hits|hurt|touched|threatened|hit)\s+me\b",
        r"(?:gotten|got|get|getting|gets)\s+physical\s+with\s+me\b",
        # intimate-partner violence screened for in everyday words ("has either of you ever
        # gotten physical — pushing, grabbing?", "I've never felt unsafe"), not "get
        # physical therapy" or "felt unsafe walking home"
        r"(?:gotten|got|get|getting)\s+physical(?=\s*(?:[—–?.!,;]|-\s|$))",
        r"(?:felt|feel|feeling)\s+unsafe(?:\s+(?:at\s+home|with\s+(?:him|her|them)|around\s+"
        r"(?:him|her|them)))?(?=\s*(?:[.!?,;]|$))",
        r"smack(?:s|ed|ing)?\s+me\b",
        # violence against a child or the client told of another ("He pushed her into the
        # wall"), and confinement ("he put me in the cupboard under the stairs")
        r"(?:he|she|they|someone|somebody)(?:['’]s|\s+has|\s+had)?\s+(?:\w+\s+)?"
        r"(?:pushed|shoved|threw|slammed)\s+(?:me|her|him|us)\s+(?:in)?(?:to|against|down|onto)\s+"
        r"(?:the\s+|a\s+)?(?:wall|floor|stairs|door\w*|ground|table|counter)\b",
        r"(?:he|she|they|someone|somebody)(?:['’]d|\s+would|\s+used\s+to)?\s+(?:put|shut|locked|kept)"
        r"\s+(?:me|us|her|him)\s+in\s+(?:the\s+|a\s+)?(?:cupboard|closet|"
        r"basement|cellar|shed|cage|crate|dog\s+crate|trunk)\b",
    ),
    "intent_or_plan": (  # risk factors in their own right, counted in any sentence
        r"lethal\s+means",
        # ammunition at hand with the gun ("It wasn't loaded, but the bullets were right there")
        r"(?:bullets|ammo|ammunition|shells)\s+(?:were|was|are|is)\s+(?:right\s+)?(?:there|beside\s+it|"
        r"next\s+to\s+it|in\s+the\s+(?:drawer|safe|box|case))",
        r"access\s+to\s+(?:lethal\s+means|means|(?:a\s+)?(?:firearms?|guns?|weapons?))",
        r"(?:firearms?|guns?|weapons?)\s+(?:in|at)\s+(?:the\s+)?home",
        r"owns?\s+(?:a\s+)?(?:firearms?|guns?)",
        r"stockpil\w*",
        r"(?:sav|hoard|collect)(?:e|es|ed|ing)\s+(?:up\s+)?(?:my|her|his|their|the)?\s*"
        r"(?:pills|medications?|meds|tablets)",
        rf"{_PLAN}\s+to\s+die",
        # Means at hand and preparatory acts (C-SSRS "preparatory acts or behavior";
        # lethal-means counseling, CALM: Johnson RM et al., Inj Prev 2011;17:A74):
        # leftover medication, pills taken out and counted; intent to act (C-SSRS
        # item 4): "part of me wants to go through with it".
        r"(?:old|leftover|left\s+over|extra|spare)\s+(?:\w+\s+)?(?:pills|meds|painkillers|"
        r"opioids|oxys?|tablets)",
        r"count(?:ed|ing)\s+(?:out\s+)?(?:the|my|her|his|their|all\s+the)\s+(?:pills|tablets|meds)",
        r"(?:took|take|taking)\s+(?:them|the\s+pills|my\s+pills)\s+out\s+and\s+count\w*",
        r"part\s+of\s+(?:me|him|her|them)\s+(?:still\s+)?wants?\s+to\s+go\s+through\s+with\s+it",
        # letters written to be read after a death (C-SSRS preparatory behavior: "wrote a
        # suicide note"): "Goodbye letters, I guess", "I wrote a letter to the kids, for
        # after"; not a cover letter or a letter to the kids' school
        r"(?:suicide|goodbye)\s+(?:notes?|letters?|videos?|messages?)",
        r"(?:wrote|written|writing|write)\s+(?:a\s+|the\s+|some\s+)?(?:notes?|letters?)\s+"
        r"(?:to|for)\s+(?:the|my|her|his|their)\s+(?:kids|children|family|daughter|son|wife|"
        r"husband|parents|mom|dad)\b(?!['’]s?\s|\s+(?:school|teacher|coach|camp)\b)"
        r"(?=[^.!?]{0,40}\b(?:for\s+after|goodbye)\b)",
    ),
}

# Abbreviations clinicians use; case-sensitive so "SI" never matches "this" or "SIGNIFICANT".
SHORTHAND: dict[RiskKind, tuple[str, ...]] = {
    "suicidal_ideation": ("SI",),
    "homicidal_ideation": ("HI",),
    "abuse": ("DV", "IPV"),  # domestic / intimate-partner violence
    "self_harm": ("NSSI", "SIB"),  # self-injurious behavior
}

# "plan", "intent", "plan, intent, or means": counted only beside another risk trigger.
PLAN_IN_CONTEXT = rf"{_PLAN}(?:\s*(?:,|/|\bor\b|\band\b)\s*(?:or\s+|and\s+)?(?:{_PLAN}|means))*"

# Phrases that contain a trigger but are not risk statements; they cancel an
# overlapping trigger of the same kind.
NOT_RISK: dict[RiskKind, tuple[str, ...]] = {
    "suicidal_ideation": (
        r"non[-\s]?suicidal",
        r"\bthe\s+end\s+it\b",  # "by the end it was a twenty"
        r"suicide\s+(?:risk\s+)?(?:assessment|screen\w*|prevention|hotline|lifeline)",
        r"suicide\s+(?:&|and)\s+crisis\s+lifeline",
        r"columbia[-\s]suicide",
        r"SI\s+joints?",
        r"end(?:ing)?\s+it\s+with",
    ),
    "homicidal_ideation": (
        r"(?:it|that|this|which|what)\s+(?:\w+\s+)?hurt\s+(?:him|her|them)",  # "it hurt her"
        r"hurt\s+(?:him|her|them)\s*(?:\?|$)",  # asking whether something hurt them
        r"(?:hurt|harm)\s+(?:his|her|their)\s+(?:back|knees?|legs?|arms?|neck|shoulders?|"
        r"ankles?|wrists?|feet|foot|head|hands?|feelings|chances)",
        r"hurt\s+(?:him|her|them)\s+(?:feelings|back|knee|leg|arm|neck|shoulder)",
        r"hurt\s+(?:him|her|them)\s+(?:deeply|so\s+much|a\s+lot|emotionally)",
    ),
    "self_harm": (
        r"cutting[-\s](?:back|down|out|off|corners|ties|class(?:es)?|school|costs?|edge)",
        r"cut(?:ting)?\s+(?:\w+\s+)?(?:sleep|hours|carbs|sugar|calories|caffeine|coffee|costs?|"
        r"expenses|spending|screen\s+time|hair|grass|lawn|wood|class(?:es)?)",
    ),
    "abuse": (
        r"(?:substance|alcohol|drug|opioid|cannabis|marijuana|stimulant|polysubstance|"
        r"prescription|medication)\s+(?:use\s+)?abuse",
        r"abus(?:e|es|ed|ing)\s+(?:of\s+)?(?:alcohol|drugs|substances|pills|medications?|"
        r"opioids|cannabis|stimulants|the\s+system)",
        # a screening is not a disclosure: "Screening for domestic abuse (procedure)"
        r"screen\w*\s+(?:for\s+)?(?:\w+\s+){0,2}(?:abuse|violence)",
        r"(?:abuse|violence)\s+screen\w*",
    ),
    "intent_or_plan": (
        r"(?:safety|treatment|care|crisis|discharge|session|homework|action|coping|relapse"
        r"\s+prevention|lesson|meal|study|business|birth|payment|insurance|phone|data)\s+plans?",
        r"plans?\s+of\s+care",
        rf"{_PLAN}\s*:",
        rf"{_PLAN}\s+to\s+(?!{_RISK_VERB}\b)\w+",
        r"as\s+planned",
    ),
}

# --- Negation tables (NegEx categories; case-insensitive) ----------------------------

_NEG_AUX = (
    r"(?:(?:do|does|did|has|have|had|is|was|are|were|would|will)\s+not"
    r"|(?:do|does|did|has|have|had|is|was|are|were|would|wo)n['’]t|not|never|no\s+longer)"
)
_REPORT_VERB = r"(?:endors|report|express|acknowledg|admit|experienc|describ|disclos|voic)\w*"

PSEUDO_NEGATIONS = (
    r"no\s+longer\s+den(?:y|ies|ied|ying)",
    r"(?:can['’]?t|cannot|could\s+not|couldn['’]t|unable\s+to)\s+(?:rule\s+out|deny)",
    r"not\s+(?:been\s+)?ruled\s+out",
    r"not\s+only",
    r"no\s+(?:significant\s+|interval\s+)?(?:change|increase|decrease|worsening)\s+in",
    r"not\s+(?:sure|certain|necessarily)",
    r"(?:do|does|did)(?:n['’]t|\s+not)\s+know",
    r"without\s+difficulty",
    # "I wouldn't mind if I just didn't wake up": a wish, not a denial
    r"(?:wouldn['’]t|would\s+not|don['’]t|do\s+not)\s+mind(?=\s+if\b)",
)
PRE_NEGATIONS = (  # also act as post-negations right after a trigger: "SI/HI: denied"
    rf"{_NEG_AUX}(?:\s+{_REPORT_VERB})?",
    r"den(?:y|ies|ied|ying)",
    # not "No one cares if I kill myself": "no one" negates nothing of what follows
    r"no(?!\s+one\b)(?:\s+(?:evidence|signs?|history|reports?|indication|current|active|acute))?"
    r"(?:\s+of)?",
    r"without",
    r"free\s+of",
    r"absence\s+of",
    r"negative\s+for",
    r"never\s+had",
    r"zero(?=\s+(?:thoughts?|urges?|plans?|intent))",  # "zero thoughts of harming myself"
    # "Nobody's ever abused me", not "Nobody knows I've been thinking of killing myself"
    r"(?:nobody|no\s+one)(?:['’]s|\s+has|\s+had)?(?:\s+ever)?"
    r"(?=\s+(?:abus|hurt|hit|beat|touch|molest|assault|threaten)\w*)",
    r"rule[sd]?\s+out",
    r"nor",
    r"neither",
)
POST_NEGATIONS = (  # only right after a trigger: "SI not present", never "negative thoughts"
    r"not\s+(?:present|endorsed|reported|elicited|noted)",
    r"absent",
    r"negative(?!\s+for)",
    r"none",
    # a screening item answered "never" ("about thoughts of harming yourself, you marked
    # 'never'": EPDS item 10, PHQ-9 item 9's "not at all")
    r""",?\s*(?:client|patient|pt|you|she|he|they|I)\s+(?:marked|answered|circled|checked|chose|"""
    r"""selected|picked|put|scored)\s+["“'‘]?(?:never|no|not\s+at\s+all|zero|0)""",
)
AFFIRMATIONS = (  # end a negation's scope: "Denies SI, endorses HI"
    r"endors(?:e|es|ed|ing|ement\s+of)",
    r"report(?:s|ed|ing)?",
    r"admit(?:s|ted|ting)?",
    r"acknowledg(?:e|es|ed|ing)",
    r"stat(?:e|es|ed)",
    r"describ(?:e|es|ed|ing)",
    r"express(?:es|ed|ing)?",
    r"disclos(?:e|es|ed|ing)",
    r"positive\s+for",
    r"presents?\s+with",
    r"says|said|shared",
    r"continues\s+to",
)
TERMINATIONS = (
    r"but", r"however", r"although", r"though", r"except", r"whereas", r"which",
    r"other\s+than", r"apart\s+from", r"aside\s+from",
)  # fmt: skip

_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "vs", "e.g", "i.e", "approx", "st"})
_OTHER_PERSON = (
    r"\b(?i:mother|mom|father|dad|parents?|brother|sister|sibling|son|daughter|husband|wife"
    r"|spouse|partner|boyfriend|girlfriend|friend|cousin|aunt|uncle|grand\w+|niece|nephew"
    r"|co-?worker|colleague|roommate|classmate|neighbou?r|family\s+history)\b"
)
_CLIENT_REF = r"\b(?:I|I['’](?:m|ve|d|ll)|(?i:client|patient|pt|me|my|myself))\b"


# --- Public API ----------------------------------------------------------------------


@dataclass(frozen=True)
class RiskFinding:
    """One risk statement and where it stands.

    `kind`: what it is about. `negated`: True for a documented denial ("denies SI").
    `quote`: the matched clause exactly as it stands in the source (for a PHQ-9 item 9
    finding, a sentence describing the score). `source`: `Source.span(start, end)` into
    the input text (so `text[start:end] == quote`), or `Source.chart(reference)` of the
    DocumentReference or Observation. `about_other`: the clause is about another person
    ("her brother attempted suicide"); informational, it never makes a finding negative.
    """

    kind: RiskKind
    negated: bool
    quote: str
    source: Source
    about_other: bool = False

    @property
    def positive(self) -> bool:
        """True when the clinician must acknowledge the finding before approval."""
        return not self.negated

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "negated": self.negated,
            "positive": self.positive,
            "about_other": self.about_other,
            "quote": self.quote,
            "source": self.source.as_dict(),
        }


def find_in_text(text: str) -> list[RiskFinding]:
    """Risk findings in `text`, in reading order; each `source` is a span into `text`.

    One finding per kind, negation and clause: "Denies SI/HI." gives two denials
    (suicidal and homicidal) quoting the same clause. Rules: see the module docstring.
    """
    return list(find_in_text_cached(text))


@lru_cache(maxsize=8192)
def find_in_text_cached(text: str) -> tuple[RiskFinding, ...]:
    """`find_in_text` as a tuple, kept for repeats: a draft reads each sentence from
    several rules, and findings are frozen."""
    if not _any_trigger(text):  # most sentences of a transcript: nothing to read
        return ()
    return tuple(f for start, end in _sentences(text) for f in _sentence_findings(text, start, end))


def find_in_chart(chart: ChartContext) -> list[RiskFinding]:
    """Risk findings in the chart's recent notes, then a positive PHQ-9 item 9.

    Notes are read most recent first; each finding quotes the note and cites
    `Source.chart("DocumentReference/…")`. Notes marked entered-in-error are skipped.
    When the latest PHQ-9 scored item 9 at 1 or more (Kroenke et al. 2001), a positive
    suicidal_ideation finding quotes "PHQ-9 item 9 scored 1 on 2026-11-08" and cites
    the Observation. Earlier positive administrations are history, not flags. Abuse
    is flagged where it is disclosed, in the session input: a chart note restating a
    known history ("Victim of intimate partner abuse (finding)" in every encounter's
    condition list) is the record, not a new disclosure to acknowledge at each draft.
    """
    findings = [
        replace(finding, source=Source.chart(note.source))
        for note in chart.notes
        if note.doc_status != "entered-in-error"
        for finding in find_in_text(note.text)
        if finding.kind != "abuse"
    ]
    latest = chart.phq9.latest
    if latest is not None and latest.item9_positive:
        quote = f"PHQ-9 item 9 scored {latest.item9_score} on {latest.effective:%Y-%m-%d}"
        findings.append(RiskFinding("suicidal_ideation", False, quote, Source.chart(latest.source)))
    return findings


def find_risk(text: str, chart: ChartContext) -> list[RiskFinding]:
    """Findings in the input text first, then in the chart, without repeats.

    A finding repeats an earlier one when kind, negation and quote (ignoring case,
    spacing and a final period) are the same: "Client denies SI/HI." copied forward
    through five notes is reported once, from the input if it is there too, else from
    the most recent note.
    """
    seen: set[tuple[str, bool, str]] = set()
    unique: list[RiskFinding] = []
    for finding in [*find_in_text(text), *find_in_chart(chart)]:
        key = (finding.kind, finding.negated, _normalized(finding.quote))
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


# --- Matching ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Trigger:
    kind: RiskKind
    start: int
    end: int
    gated: bool = False  # a "plan"/"intent" that needs another trigger in the sentence


@dataclass(frozen=True)
class _Cue:
    role: str  # "pre", "post", "affirm" or "stop" (a termination term)
    start: int
    end: int


def _words(patterns: tuple[str, ...]) -> str:
    return r"\b(?:" + "|".join(sorted(patterns, key=len, reverse=True)) + r")\b"


def _compile_triggers() -> tuple[tuple[RiskKind, re.Pattern[str], bool], ...]:
    compiled = [(kind, re.compile(_words(ps), re.I), False) for kind, ps in TRIGGERS.items()]
    compiled += [
        (kind, re.compile(r"(?<![A-Za-z])(?:" + "|".join(ps) + r")(?![A-Za-z])"), False)
        for kind, ps in SHORTHAND.items()
    ]
    compiled.append(("intent_or_plan", re.compile(_words((PLAN_IN_CONTEXT,)), re.I), True))
    return tuple(compiled)


_TRIGGER_RES = _compile_triggers()


def _lowered(pattern: str) -> str:
    """`pattern` with its literal letters in lower case and its escapes (\\S, \\W) kept: on
    lower-cased text it matches what `pattern` with re.IGNORECASE matches on the text."""
    return re.sub(r"\\.|[A-Z]+", lambda m: m[0] if m[0][0] == "\\" else m[0].lower(), pattern)


# Every trigger in two patterns: the case-blind ones, lowered, for lower-cased text (Python's
# re runs a long alternation three to four times faster without IGNORECASE), and the
# case-kept ones (shorthand: "SI", "HI"). Where neither matches, there is no finding.
_ANY_CASE_BLIND = re.compile(
    "|".join(f"(?:{_lowered(p.pattern)})" for _, p, _ in _TRIGGER_RES if p.flags & re.I)
)
_ANY_CASE_KEPT = re.compile(
    "|".join(f"(?:{p.pattern})" for _, p, _ in _TRIGGER_RES if not p.flags & re.I)
)


def _any_trigger(text: str) -> bool:
    """Whether any trigger of `_TRIGGER_RES` matches somewhere in `text`."""
    return bool(_ANY_CASE_BLIND.search(text.lower()) or _ANY_CASE_KEPT.search(text))


_NOT_RISK_RES = {kind: re.compile(_words(ps), re.I) for kind, ps in NOT_RISK.items()}
_CUE_RE = re.compile(  # group order settles ties: "no longer denies" before "no"
    rf"(?P<pseudo>{_words(PSEUDO_NEGATIONS)})|(?P<post>{_words(POST_NEGATIONS)})"
    rf"|(?P<pre>{_words(PRE_NEGATIONS)})|(?P<affirm>{_words(AFFIRMATIONS)})"
    rf"|(?P<stop>{_words(TERMINATIONS)}|;)",
    re.I,
)
_SENTENCE_END = re.compile(r"""[.!?]+["'’”)\]]*(?=\s|$)|\n""")
_LINK = re.compile(  # between a trigger and a post-negation: "SI/HI: denied", "SI was denied"
    r"""[\s"'’”)\]]*(?:[:\-–—=]\s*)?(?:(?:was|were|is|are|has|have|had)\s+(?:been\s+)?)?""",
    re.I,
)
_LEADS = re.compile(r"[^,;:.!?()]{0,40}")  # between a pre-negation and the trigger it governs
_CONJ_BEFORE = re.compile(r"(?:,|\b(?i:and|or)\b)\s*$")
_OPENER = re.compile(  # a comma or "and" before a new subject starts a new clause
    r"(?:,|\b(?i:and|or)\b)\s+(?=(?:[Ii]|[Ii]['’](?:m|ve|d|ll)"
    r"|(?i:she|he|they|we|client|patient|pt|sometimes|lately|because))\b)"
)
_LEADING = re.compile(
    r"[\s,;:]+|[A-Z]:\s+|(?i:and|or|but|so|however|although|though|whereas|which)\b[\s,]*"
)
_TRAILING = re.compile(r"(?:[\s,;:]+|\s+(?i:and|or|but))$")
_OTHER_PERSON_RE = re.compile(_OTHER_PERSON)
_CLIENT_REF_RE = re.compile(_CLIENT_REF)


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    """[start, end) of each sentence or line, end punctuation included."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group() != "\n" and _is_abbreviation(text[start : match.start()]):
            continue
        yield start, match.end()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _is_abbreviation(before_dot: str) -> bool:
    word = re.search(r"\w+(?:\.\w+)*$", before_dot)
    return word is not None and word.group().lower() in _ABBREVIATIONS


def _sentence_findings(text: str, start: int, end: int) -> list[RiskFinding]:
    triggers = _triggers(text, start, end)
    if not triggers:
        return []
    cues = _cues(text, start, end, triggers)
    return [
        finding
        for clause in _clauses(text, start, end, cues, triggers)
        for finding in _clause_findings(text, clause, triggers, cues)
    ]


def _triggers(text: str, start: int, end: int) -> list[_Trigger]:
    found = [
        _Trigger(kind, match.start(), match.end(), gated)
        for kind, pattern, gated in _TRIGGER_RES
        for match in pattern.finditer(text, start, end)
    ]
    found = [trigger for trigger in found if not _is_not_risk(text, trigger, start, end)]
    if all(trigger.gated for trigger in found):
        return []
    return sorted(found, key=lambda trigger: (trigger.start, trigger.end))


def _is_not_risk(text: str, trigger: _Trigger, start: int, end: int) -> bool:
    pattern = _NOT_RISK_RES.get(trigger.kind)
    if pattern is None:
        return False
    return any(
        m.start() < trigger.end and trigger.start < m.end()
        for m in pattern.finditer(text, start, end)
    )


def _cues(text: str, start: int, end: int, triggers: list[_Trigger]) -> list[_Cue]:
    """Negation, affirmation and termination cues, with each negation's direction.

    A cue inside a trigger ("not wanting to wake up") is part of the trigger. A
    negation right after a trigger that does not lead into another one is a
    post-negation ("SI and HI denied"); a post-only cue anywhere else is dropped.
    """
    cues: list[_Cue] = []
    for match in _CUE_RE.finditer(text, start, end):
        role = match.lastgroup or ""
        if role == "pseudo" or any(_overlaps(match, t) for t in triggers):
            continue
        cue = _Cue(role, match.start(), match.end())
        if role in ("pre", "post"):
            cue = replace(cue, role=_direction(text, cue, triggers))
        if cue.role:
            cues.append(cue)
    return cues


def _direction(text: str, cue: _Cue, triggers: list[_Trigger]) -> str:
    """Post right after a trigger unless it leads into the next one ("SI: no plan"),
    pre for a pre-negation anywhere else, "" (dropped) for a stray post-only cue."""
    if _follows_trigger(text, cue, triggers) and not _leads_to_trigger(text, cue, triggers):
        return "post"
    return "pre" if cue.role == "pre" else ""


def _overlaps(match: re.Match[str], trigger: _Trigger) -> bool:
    return match.start() < trigger.end and trigger.start < match.end()


def _follows_trigger(text: str, cue: _Cue, triggers: list[_Trigger]) -> bool:
    before = [t for t in triggers if t.end <= cue.start]
    return bool(before) and _LINK.fullmatch(text, before[-1].end, cue.start) is not None


def _leads_to_trigger(text: str, cue: _Cue, triggers: list[_Trigger]) -> bool:
    after = [t for t in triggers if t.start >= cue.end]
    return bool(after) and _LEADS.fullmatch(text, cue.end, after[0].start) is not None


def _clauses(
    text: str, start: int, end: int, cues: list[_Cue], triggers: list[_Trigger]
) -> list[tuple[int, int]]:
    """Split a sentence where a negation's scope must end: termination terms and ";",
    and a comma or "and"/"or" before a new cue or a new subject."""
    cuts = {start, end}
    cuts.update(match.start() for match in _OPENER.finditer(text, start, end))
    for cue in cues:
        if cue.role == "stop":
            cuts.add(cue.start)
        elif cue.role in ("pre", "affirm"):
            conjunction = _CONJ_BEFORE.search(text, start, cue.start)
            cuts.update([conjunction.start()] if conjunction else [])
    cuts -= {cue.start for cue in cues if cue.role == "post"}  # "…, you marked 'never'"
    cuts = {cut for cut in cuts if not any(t.start < cut < t.end for t in triggers)}
    bounds = sorted(cuts)
    return list(zip(bounds, bounds[1:], strict=False))


def _clause_findings(
    text: str, clause: tuple[int, int], triggers: list[_Trigger], cues: list[_Cue]
) -> list[RiskFinding]:
    start, end = clause
    inside = [t for t in triggers if start <= t.start < end]
    if not inside:
        return []
    scoped = [c for c in cues if start <= c.start < end and c.role != "stop"]
    about_other: dict[tuple[RiskKind, bool], bool] = {}
    for trigger in inside:
        key = (trigger.kind, _negated(trigger, scoped))
        about_other[key] = about_other.get(key, True) and _about_other(text, start, trigger)
    quote_start, quote_end = _trim(text, start, end)
    quote, source = text[quote_start:quote_end], Source.span(quote_start, quote_end)
    return [
        RiskFinding(kind, negated, quote, source, other)
        for (kind, negated), other in about_other.items()
    ]


def _negated(trigger: _Trigger, cues: list[_Cue]) -> bool:
    """The nearest cue before is a pre-negation, or the nearest after a post-negation."""
    before = [cue for cue in cues if cue.end <= trigger.start]
    after = [cue for cue in cues if cue.start >= trigger.end]
    return (bool(before) and before[-1].role == "pre") or (bool(after) and after[0].role == "post")


def _about_other(text: str, clause_start: int, trigger: _Trigger) -> bool:
    """Another person is named before the trigger, with no mention of the client after."""
    others = list(_OTHER_PERSON_RE.finditer(text, clause_start, trigger.start))
    if not others:
        return False
    return _CLIENT_REF_RE.search(text, others[-1].end(), trigger.start) is None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause without surrounding spaces, leading conjunctions or section labels."""
    while (match := _LEADING.match(text, start, end)) and match.end() > start:
        start = match.end()
    while (match := _TRAILING.search(text, start, end)) and match.start() < end:
        end = match.start()
    return start, end


def _normalized(quote: str) -> str:
    return " ".join(quote.lower().split()).rstrip(".")
