"""The words that sort a secure message: cue patterns per triage category, and what
makes an urgent cue not count (negated, past, about media or someone else's words,
an idiom).

The patterns were written from the project's training messages
(data/train_messages*.json, among them the misses of sets first held out and later
trained on) and general clinical knowledge of how clients phrase risk in writing,
never from the held-out set bench/triage_heldout10.json.
They are features of the triage model (copilot.inbox.triage) and the "why" shown with
each message: the matched words are the source spans. Sources for the urgent families:

- passive death wishes, perceived burdensomeness, goodbyes, giving possessions away,
  putting affairs in order, stockpiling medication and a plan or date are the warning
  signs of the Columbia Suicide Severity Rating Scale (Posner K et al., Am J Psychiatry
  2011;168:1266-1277) and of the American Association of Suicidology's "IS PATH WARM"
  mnemonic (Juhnke GA et al. 2007);
- abuse and danger at home, a child or elder in danger, and threats to others need the
  clinician now (duty to warn/protect: Tarasoff v. Regents, 17 Cal.3d 425, 1976);
- the medical emergencies are those a message must send to 911 or an emergency
  department: overdose, chest pain, trouble breathing, anaphylaxis (lip/tongue/throat
  swelling), seizure, loss of consciousness, and the signs of neuroleptic malignant
  syndrome, lithium toxicity and serotonin syndrome (fever, rigidity, confusion).
"""

from __future__ import annotations

import re

# Someone else's opioid or benzodiazepine, as taken ("a few of my roommate's percs")
_BORROWED = (
    r"(?:\w+ ){0,2}(?:percs?|percocets?|oxys?|oxycodone|xans|xanax|bars|fentanyl|vicodin|norcos?|"
    r"klonopin|valium)\b"
)
_MEDS = (
    r"zoloft|sertraline|lexapro|escitalopram|celexa|citalopram|prozac|fluoxetine|paxil|"
    r"paroxetine|effexor|venlafaxine|pristiq|cymbalta|duloxetine|wellbutrin|bupropion|"
    r"remeron|mirtazapine|trazodone|trintellix|lithium|lamotrigine|lamictal|depakote|"
    r"abilify|aripiprazole|seroquel|quetiapine|risperdal|risperidone|zyprexa|olanzapine|"
    r"latuda|vraylar|xanax|alprazolam|klonopin|clonazepam|ativan|lorazepam|valium|"
    r"buspirone|buspar|hydroxyzine|adderall|ritalin|vyvanse|concerta|strattera|"
    r"guanfacine|clonidine|propranolol|prazosin|naltrexone|suboxone|melatonin|ambien|"
    r"rexulti|caplyta|spravato|auvelity|zurzuvae|gabapentin|topiramate|hydroxyzine|"
    r"extended[- ]release|\bxr\b|\bxl\b|\ber\b|\bsr\b"
)

CATEGORY_CUES: dict[str, tuple[str, ...]] = {
    "medication": (
        r"refill\w*|prescri\w+|\brx\b|pharmac\w+|walgreens|\bcvs\b|rite aid",
        r"\bdos(?:e|es|age|ing)\b|\d+\s?mg\b|side[- ]effects?|\bmeds?\b|medicat\w+",
        r"\bpills?\b|tablets?|capsules?|\bgeneric\b|taper\w*|coming off|wean\w*",
        _MEDS,
        # Spanish, Portuguese, French
        r"\breceta\b|recarga|\bdosis\b|pastillas|medicamentos?|farmacia|efectos secundarios|"
        r"receita|rem[eé]dios?|farm[aá]cia|efeitos colaterais|ordonnance|m[ée]dicaments?|"
        r"pharmacie|effets secondaires|\bgamot\b|reseta",
    ),
    "billing": (
        r"insurance|insurer|copay\w*|co-pay\w*|coinsurance|deductible|\bbill\w*|invoice",
        r"balance|payment|\bpay\b|\bpaid\b|charge[ds]?|superbill|receipt|claim\b|claims",
        r"out[- ]of[- ]network|in[- ]network|authori[sz]\w+|prior auth|denial|\beob\b",
        r"aetna|cigna|blue ?cross|bcbs|united ?health|optum|medicaid|medicare|humana|kaiser",
        r"sliding scale|refund|\bhsa\b|\bfsa\b|credit card|statement|collections",
        r"reduced (?:rate|fee)|\bfees?\b|\brates?\b|cover(?:s|ed|age)?\b|care ?credit|autopay",
        r"card (?:on file|declined|was declined|is fine|expired)|retry (?:it|the (?:charge|payment))|\bowe\b|cost",
        r"factura|\bseguro\b|copago|\bcobro|\bsaldo\b|\bpago\b|fatura|cobran[cç]a|facture|"
        r"assurance|mutuelle|\bbayad\b|singil",
    ),
    "scheduling": (
        r"reschedul\w*|cancel\w*|\bmove\b|\bmoving\b|\bswitch\b|\bbook\w*|rebook\w*",
        r"appointments?|\bappts?\b|\bslots?\b|availab\w+|openings?|\bschedule\b",
        r"running late|\blate\b|no[- ]?show\w*|\bmiss(?:ed)?\b|\bskip\b|make it",
        r"zoom|telehealth link|video link|\blink\b|weekly|biweekly|every other week",
        r"monthly|check-ins?|every (?:week|month|two weeks)|how often|frequency|go (?:down|up) to",
        r"on my way|be there|parking|traffic|waiting room|front desk|\bearlier\b|\blater\b",
        r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|tomorrow|tmrw|next week",
        r"\b\d{1,2}(?::\d\d)?\s?(?:am|pm)\b",
        r"\bcitas?\b|reprogramar|cancelar|consulta|remarcar|rendez-vous|annuler",
    ),
    "administrative": (
        r"\brecords?\b|\bforms?\b|paperwork|\bletter\b|\bnote for\b|documentation",
        r"\bfmla\b|\besa\b|disability|\bssdi\b|\bssi\b|accommodat\w+|\b504\b|\biep\b",
        r"releases?\b|\broi\b|consent|authorization form|revoke",
        r"portal|password|log ?in|username|account",
        r"\baddress\b|phone number|new number|\bemail\b|contact info|\bname change\b",
        r"attorney|lawyer|court|subpoena|\bhr\b|employer|landlord|probation",
        r"preferred name|pronouns|in (?:my|the) (?:chart|file|system)|proof of|two[- ]factor|\b2fa\b",
        r"verification code|\bcode\b|text reminders?|email reminders?|notifications?|opt out|unsubscribe",
        r"emergency contact|legal (?:last )?name|passport|proxy access",
        r"formulario|expediente|contrase[nñ]a|formul[aá]rio|prontu[aá]rio|senha|formulaire|"
        r"dossier|mot de passe",
    ),
    "clinical": (
        r"anxi\w+|panic\w*|depress\w*|\bmood\b|\bsad\w*|\blow\b|\bdown\b|worr\w+|stress\w*",
        r"sleep\w*|insomnia|nightmares?|flashbacks?|triggered|\burges?\b|cravings?",
        r"homework|thought record|worksheet|journal\w*|coping|skills?|grounding|breathing",
        r"exposure|\bcbt\b|\bdbt\b|mindful\w*|therapy|session was|last session|progress",
        r"safety plan|boundar\w+|relationship|grief|griev\w+|diagnos\w+|symptom\w*",
        r"feel\w*|crying|overwhelm\w*|lonely|angry|anger|irritab\w+|motivat\w+|focus",
        r"\btips?\b|\bnormal\b|panic attacks?|checking|rituals?|compulsi\w+|obsess\w+|intrusive",
        r"\bemdr\b|\bocd\b|\badhd\b|\bptsd\b|dreams?|tantrums?|meltdowns?|bedtime|appetite|eating",
        r"should i (?:tell|talk|push|let)|how (?:do|can|should) i (?:handle|deal|cope|talk|tell|support)",
        r"ansiedad|depresi[oó]n|pesadillas|ataques? de p[aá]nico|\btarea\b|ansiedade|depress[aã]o|"
        r"pesadelos|anxi[ée]t[ée]|d[ée]pression|cauchemars|\bexercices?\b|pagkabalisa|lungkot",
    ),
}

# A week's or a month's pills at once ("took the whole week out of my pill organizer").
_WEEK_OF_PILLS = (
    r"(?:the|a) whole (?:week|month)(?:'s)? (?:worth )?(?:of (?:my |her |his )?(?:pills|meds|"
    r"medications?|tablets)|out of (?:my|the|her|his) (?:pill )?(?:organi[sz]er|box|case))"
)
# What "took 40" is when it is no ingestion: time, a dose's unit, a count of something else.
_NOT_A_DOSE = (
    r"(?![\w.])(?!\s*(?:mg|milligrams?|mcg|ml|units?|minutes?|mins?|hours?|hrs?|seconds?|secs?|days?|"
    r"weeks?|months?|years?|steps|percent|%|bucks|dollars|calls?|tries|photos|pictures|"
    r"questions|pages|of (?:them|the) (?:forms?|pages|questions|surveys?))\b)"
    r"(?!\s+(?:day|morning|night|week|afternoon|evening|weekend|year|month|my (?:strength|energy|"
    r"courage|savings)|the (?:time|money|kids|dog))\b)"
)
URGENT_CUES: dict[str, tuple[str, ...]] = {
    "suicidal thoughts": (
        r"suicid\w*|kill(?:ing)? myself|end(?:ing)? (?:it all|my life|things|it)\b",
        r"(?:want|wish|hope|hoping|rather|would like) (?:\w+ ){0,4}(?:to )?(?:die|be dead)",
        r"not wake up|never wake up|go to sleep (?:and|forever)|stop existing|disappear forever",
        r"(?:didn'?t|did not|wouldn'?t|would not) wake up",
        # an urge to step in front of a train or off a height (a side effect to ask about on
        # an antidepressant started under 25: FDA boxed warning, 2004, to age 24 since 2007),
        # however it is framed
        r"(?:urges?|want(?:ing)?|tempted|feel like) to (?:step|jump|walk|throw myself) (?:in front of|"
        r"off|into traffic)",
        r"better off (?:dead|without me)|don'?t want to (?:be here|be alive|live|exist|wake up)",
        r"(?:no|don'?t see the|what'?s (?:even )?the) point (?:in |of )?(?:\w+ ){0,3}(?:anymore|living|going on)",
        r"(?:don'?t|do not) (?:really |even )?see the point|what'?s (?:even )?the point anymore",
        r"tired of (?:living|fighting|being alive|being a burden|trying)|want (?:it|this) all to stop",
        r"(?:will|would) not be a (?:burden|problem|bother) (?:\w+ ){0,4}(?:any longer|anymore|much longer)",
        r"\ba burden\b|won'?t be (?:a problem|a burden|around|here)|not (?:be )?(?:around|here) (?:much longer|by then|past|after|anymore)",
        r"(?:not|won'?t be) (?:sticking|hanging) around (?:after|for long|much longer|past|for (?:it|that))|(?:already )?figured out how (?:i'?d|i would|to) do it|already figured out how\b|"
        r"(?:don'?t|do not) think i'?ll (?:be here|be around|still be (?:here|around)|make it) (?:for|by|to|until|past)|"
        r"not (?:planning on|going to be|gonna be) (?:being )?around|(?:being|be) around (?:past|after|much longer|by then|for long)|won'?t need (?:it|any more|them) (?:anymore|after)",
        r"can'?t (?:do|take) (?:this|it) anymore|can'?t go on",
        r"\bi should (?:just )?die\b|\bwant to die\b|\bi'?d be better\b",
        r"(?:kill|hang|shoot|drown|poison|off|suffocate) (?:myself|himself|herself|themselves|themself)",
        r"(?:not sure|don'?t know if|don'?t think) (?:i|he|she) (?:want|wants|wanna) to (?:be alive|live|be here|keep going|go on)",
        r"(?:nobody|no one|no-one) (?:will|would) (?:have to|need to|ever have to) (?:deal with|worry about|put up with) me",
        r"after (?:i'?m|he'?s|she'?s|they'?re) gone|when i'?m gone|once i'?m gone|not sure i'?ll (?:be here|be around|still be)|,? or ever\b",
        r"(?:wants?|wanted|wanting) to die|death (?:feels|seems|is) like|if i was dead|if i were dead|wish i (?:was|were) dead",
        r"tired of (?:existing|all of it|everything|being here)(?=[.,!;]|$|\s+and\b)|want (?:everything|it all|it) to (?:stop|be over|end)|want(?:ed)? it to be over",
        r"(?:wish|want(?:ed)?) (?:i could |to )?(?:disappear|vanish)|sleep forever|won'?t wake up in the morning|praying i won'?t wake",
        r"done (?:being here|existing|with (?:life|all of it|everything))|done trying|i'?m done\.",
        r"(?:stopped|stop) being a problem|better for (?:everybody|everyone|everyone else) if i|if i wasn'?t (?:here|around)|if i weren'?t (?:here|around)",
        r"nobody would (?:notice|care|miss)|(?:would be|be) relieved|give everyone (?:their|some) space back|in everyone'?s way",
        r"(?:only|just) a (?:weight|burden)|won'?t be a (?:weight|burden)|costing (?:my|them|everyone)",
        r"won'?t be (?:bothering|troubling|bugging) (?:anyone|anybody|you|you all|everyone)"
        r"(?! (?:for a (?:while|bit|few)|until|till|during|while))",
        r"no way out|(?:one|only|last) (?:exit|way out|option|door|way)(?: is)? (?:left|open|this ends)|run out of options|no more road|only one (?:left|stays open)",
        r"way out (?:i|you)|(?:decided|ready) to (?:take it|walk through|go through with)|i get to choose when",
        r"made (?:a|my|his|her) decision|made (?:my |his |her |their )?peace|everything (?:feels|is) settled|figured it all out|all be over soon|it'?s fine now|at peace",
        r"making it stop myself|make it stop (?:for good|myself|permanently)",
        # Spanish, as clients write it (the C-SSRS's Spanish version asks "quitarse la vida")
        r"ya no puedo m[aá]s|no quiero (?:vivir|seguir(?: viviendo)?|despertar)|(?:me )?quiero morir|"
        r"quitarme la vida|matarme|mejor (?:muerto|muerta)|estar[ií]an mejor sin m[ií]|"
        r"(?:ya )?no (?:le )?veo (?:el )?sentido a (?:seguir|vivir)|ya tengo todo decidido|"
        r"(?:estoy )?regalando mis cosas|"
        # Portuguese and French, as clients write them
        r"n[aã]o aguento mais|quero morrer|me matar|acabar com (?:tudo|a minha vida)|"
        r"comprei uma corda|onde amarrar|"
        r"je n'?aurai plus besoin|je (?:ne )?veux (?:plus vivre|mourir)|"
        r"(?:veux|vais) en finir(?! avec)|en finir avec (?:la vie|tout|ma vie)|"
        r"me suicider|(?:j'?ai )?confi[ée] mon (?:chat|chien)",
        # more of the same in Spanish, Portuguese, French and Tagalog (the C-SSRS's
        # translations ask of wishing to be dead, of killing oneself and of self-harm)
        r"quiero desaparecer|ya no quiero estar aqu[ií]|no vale la pena (?:vivir|seguir)|"
        r"acabar con (?:todo|mi vida)|(?:pienso|pensando) en (?:matarme|quitarme la vida|morirme)|"
        r"hacerme da[nñ]o|lastimarme|cortarme|me cort[eé]\b|"
        r"quero sumir|n[aã]o quero mais (?:viver|estar aqui)|tirar a (?:minha )?(?:pr[oó]pria )?vida|"
        r"me machucar|me cortei|me cortar\b|"
        r"je ne veux plus (?:[eê]tre l[aà]|exister)|mettre fin [aà] (?:mes jours|ma vie)|"
        r"me faire du mal|me couper\b|je me suis coup[ée]|"
        r"magpakamatay|ayoko na(?:ng)? mabuhay|gusto ko na(?:ng)? mamatay|saktan ang sarili",
    ),
    "goodbye or affairs in order": (
        r"goodbye|good-bye|last message|final message|farewell",
        r"(?:goodbye|farewell|suicide) (?:letter|note)s?|wrote (?:\w+ )?(?:letters?|notes?) (?:to|for) (?:my|both|each|all|everyone)",
        r"letters? to (?:both )?(?:my|each of my) (?:kids|children|family|parents|mom|dad|wife|husband|sons?|daughters?)",
        r"updated my will|made (?:my )?peace|at peace with (?:it|my decision|this)|my decision",
        r"take care of (?:my|the) (?:cat|dog|kids|children|plants)|tell (?:her|him|them|my \w+) (?:that )?i lov",
        r"thank you for (?:everything|trying)|you were always kind|take me off the schedule",
        r"say(?:ing)? (?:bye|goodbye)|signing off (?:now|for good)|for good\. be well|by the time (?:it|this) reaches you",
        r"if (?:anything|something) (?:happens|happened) to me|(?:a )?home for (?:my|the|him|her|rufus|\w+) by|rehom\w+|found someone to take (?:the|my)",
        r"(?:after that|after) it (?:won'?t|wont) matter|(?:will|'?ll) take (?:her|him|them|over) after|raise (?:them|my kids)|last thing keeping me",
        r"won'?t be (?:able to|there to) (?:take care|pick|raise)|keep them from now on|looking after my (?:son|daughter|kids)",
        r"(?:will|my will) (?:notarized|is done|signed)|passwords? (?:down )?for (?:my|her|him)|(?:handling|handle) my affairs|my estate",
        r"so (?:nobody|no one) (?:has to|gets stuck|is stuck|will have to)|less work for my family|(?:deleted|wiped|cleared out) (?:all )?my (?:social media|accounts|phone|laptop)",
        r"(?:the )?last bills|apology letters?|music i want played|my funeral|who gets my|notes? to each of my|birthday i won'?t|transferred my savings|tying up loose ends|loose ends",
        r"records to (?:my \w+ )?(?:\w+ )?after\b|(?:send|mail) (?:\w+ ){0,4}after\.|before i go\b|if i'?m gone|won'?t be at my address|or anywhere",
        r"won'?t (?:need|be needing) (?:an? |my |the )?\w+ (?:after that|after this|after then|after the \w+)|"
        r"won'?t (?:need|needing|be needing|require) (?:any ?more|appointments|anything|it|them)|(?:won'?t|wont) need it\. or any|cancel all (?:of )?my (?:future )?(?:sessions|appointments)",
        r"cartas? (?:a|para) (?:mis|mi) (?:hijos|hijas|ni[nñ]os|familia|mam[aá]|pap[aá]|esposo|esposa)|"
        r"escrib[ií] (?:\w+ )?cartas|despedirme|"
        r"not that i'?ll (?:need|be needing|be using) (?:them|it|any of (?:it|this|them)|\w+) "
        r"(?:after|anymore|much longer|for long)|(?:papers|affairs) (?:are|is) (?:all )?in order|"
        r"put (?:my|all my) (?:papers|affairs) in order|"
        r"who gets to (?:read|see|have) my (?:messages|stuff|things|records|account|chart)|"
        r"(?:after|when) i (?:die|am dead|'m dead)\b|"
        r"see you on the other side|(?:stop|quit) being a (?:problem|burden|bother) (?:for|to) (?:anyone|"
        r"everyone|everybody|you all|my family)|close my file|nobody will be coming back|one more week is all i need|then i'?m finished|(?:give|gave) my (?:\w+ )?slot to someone else\. permanently",
    ),
    "plan or means": (
        r"sav(?:ed|ing) (?:up )?(?:my |some |all my )?(?:pills|meds|medication|\w+ pills)|stockpil\w+|"
        r"hoard\w* (?:\w+ ){0,2}(?:pills|meds|medications?|tablets|them)|"
        r"(?:pills|meds|medications?|tablets) (?:\w+ ){0,2}hoard\w*",
        r"sav(?:ed|ing) up (?:my |some |all my )?(?:\w+)|enough saved(?: up)?|saved up enough",
        r"(?:pills|meds|medications?|tablets) (?:\w+ )?saved(?: up)?|keeping (?:the |my |all the )?(?:old )?(?:bottles|pills|meds)|(?:months|weeks)'?s? worth|a stash",
        r"engine running|in the garage with (?:the )?(?:engine|car|door|rope|hose|cord)|"
        r"(?:sitting|sat|sit|sleeping|slept|rope|cord|hose|car|engine|knives|guns?)\b(?:\W+\w+){0,6}?"
        r"\W+in the garage|(?:i'?m|i am) (?:\w+ )?in the garage\b(?! (?:sale|gym))",
        # a death that would pass for an accident (for the life insurance)
        r"(?:make|made|making) it (?:look|seem) like an? accident|if (?:it'?s|it is|it was|it gets?) "
        r"(?:ruled|considered|counted as|called|deemed) an? accident|"
        r"if it (?:looks|look|seems) like an? accident",
        r"(?:have|got|made|making) a plan\b|a plan and a date|(?:picked|set|chose) a date|"
        r"(?:a|the) date (?:picked|set|chosen)(?: out)?|(?:picked|set|chose|chosen) (?:the|my) date",
        # medication gathered past the prescription ("fill my Seroquel early at two
        # different places", "a good amount on hand")
        r"(?:at|from) (?:two|2|three|3|different|multiple|several) (?:different )?(?:places|pharmacies)|"
        r"(?:a good|a big|a lot|enough|a large) (?:amount |supply )?(?:of (?:them|it) )?on hand",
        r"going to do it|gonna do it|do it tonight|doing it tonight",
        r"how i'?d do it|how to do it|looked up how",
        r"(?:took|take|taking) (?:their|my|a) (?:whole|full|entire) (?:month|bottle|supply|pack)|full bottle",
        r"the hose and (?:the )?tape|tested the beam|hold (?:my )?weight|counted (?:them|out|my pills)|(?:doctors?|pharmacies) for (?:sleeping )?pills so",
        r"(?:collecting|been collecting|saving) (?:them|my pills|my meds)|(?:\d+|two|three) months? saved|got everything i need for it",
        r"(?:planning|plans|planned|studying|researching) (?:for it|to jump|the train schedule|which bridges)|started planning",
        r"(?:pile|handful|bottle) of (?:my )?pills (?:in|with)|take them all|easier to take (?:them )?all|bottle on my nightstand",
        r"search(?:ed|ing)? (?:history )?(?:for )?(?:how (?:long|to)|which pills|what happens if)|bleed out|strongest pills",
        r"driv(?:e|es|ing) (?:\w+ ){0,2}(?:into|off) (?:the (?:median|guardrail|overpass|bridge|road|embankment)|oncoming|a (?:tree|wall|pole|semi|truck|bridge))",
        r"(?:almost|nearly) (?:did|went through with) it\b|into oncoming traffic",
        # researching a method, said without naming it ("the best way to do it")
        r"(?:research\w*|look(?:ed|ing) up|googl\w*|search(?:ed|ing)|read(?:ing)? (?:up )?(?:on|about)) "
        r"(?:\w+ ){0,2}(?:the )?(?:best|easiest|quickest|fastest|surest|least painful|most painless|"
        r"painless) (?:ways?|methods?)(?: to (?:do it|go|end it|not wake up)|[.,!?]|$)",
    ),
    "a lethal dose": (
        r"(?:how (?:much|many)|what amount|maximum amount|enough|would \d+) (?:\w+ ){0,8}(?:before|too much|too many|enough|would happen|does (?:permanent )?damage|to survive|you don'?t wake|the heart stops)",
        r"(?:how many|how much) (?:\w+ ){0,3}(?:pills|it would take)|lethal|doing the math",
        r"(?:would be|is|are) too many|how many (?:\w+ ){0,3}(?:would|it would|to) (?:take|kill|be too many)|overdose on",
        r"how (?:much|many) (?:would|does|will) (?:that|it|this) take",
    ),
    "a place to die": (
        r"quarry|parking (?:garage|structure)|train tracks|the tracks|cliffs?\b|the (?:river|dam|lake|overpass)|top level|tallest buildings?|fall \d+ floors",
        r"\bbridges?\b|\brailing\b|\bledge\b|\broof\b|\bbalcony\b|highway|freight|the edge",
        r"train platform|(?:express |freight )?train schedules?",
        r"looking down|wrong side of the (?:fence|railing)|pockets full of rocks|turn(?:ing)? the wheel",
    ),
    "a weapon": (
        r"(?:handgun|pistol|rifle|revolver|shotgun|firearm|\bgun)s?\b|\brope\b|\bnoose\b",
    ),
    "thanks and goodbye": (
        r"thank(?:s| you)(?: so much)? for everything|thank(?:s| you) for (?:trying|every session|putting up with me)",
    ),
    "not safe now": (
        r"(?:can'?t|cannot|not able to|won'?t be able to) (?:keep myself|stay|be) safe|not safe\b",
        r"can'?t promise (?:i'?ll|i will|to) (?:be|stay) safe|don'?t trust myself",
        r"scared (?:of )?what i (?:might|could|will) do",
        # means that will not leave the mind (an early-treatment warning sign on an
        # antidepressant: FDA boxed warning, 2004)
        r"can'?t stop thinking about (?:the |my |his |her |those |that )?(?:knives|knife|pills|gun|"
        r"rope|razors?|blades?|bridge|train|tracks|jumping|dying|ending it|overdosing)\b"
        r"(?! (?:trip|ride|set|game|club|party|repairs?|toll|project|show|museum))",
    ),
    "self-harm now": (
        r"\bcut(?:ting)? (?:again|myself|deep\w*|pretty badly|badly|my)|relapsed and cut",
        r"urges? to (?:cut|hurt myself|burn|self[- ]harm)|\bblade\b|\brazors?\b",
        r"won'?t stop bleeding|need(?:s)? stitches|burn(?:ed|ing) myself|hurt(?:ing)? myself",
        r"cut it out myself|harm(?:ing)? myself",
        r"cuts on (?:her|his|my)|bleeding through|feel like doing it again|punish myself",
    ),
    "harm to others": (
        r"kill(?:ing)? (?:him|her|them|my \w+|the \w+|someone|everyone)",
        r"hurt(?:ing)? (?:him|her|them|the baby|my (?!(?:back|neck|knee|knees|shoulder|ankle|wrist|"
        r"foot|feet|hand|arm|leg|hip|head|toe|finger|thumb|elbow|eye)\b)\w+|someone)",
        r"strangl\w+|stab(?:bed|bing|s)?\b|shoot (?:him|her|them|up)|\bknife\b|\bhammer\b|\bweapon\b|\bbat\b",
        r"followed (?:him|her|them)|picturing (?:hurting|killing|strangling)",
        # harm to a child in one's care ("I fantasize about hurting the little girl I babysit",
        # "squeezed her arm hard enough to leave marks")
        r"fantasi[sz]\w* (?:\w+ ){0,3}about (?:hurting|killing|harming|choking|shaking)|"
        r"hurt(?:ing)? the (?:little |baby )?(?:girl|boy|child|kid|baby|toddler)|"
        r"hard enough to leave (?:a )?(?:marks?|bruises?)",
        r"more like (?:urges|an urge|plans?|something i (?:could|might|would) (?:actually )?do)",
        r"(?:urges?|tempted) to (?:shake|hit|smother|hurt|drown|choke) (?:her|him|them|the baby|my \w+)",
        r"(?:teach|make) (?:\w+ ){0,4}(?:a lesson|pay)|list of (?:names|kids)|x'?s next to|practicing at the range",
        r"ending this once and for all|everybody listens|know (?:what time|which door|his schedule|her schedule|where he parks|which lot)",
        r"(?:can of )?gasoline|crowbar|box cutter|(?:where|which) (?:his|her) (?:uncle|dad) keeps (?:his|her) guns",
    ),
    "abuse or danger": (
        r"hit me|hits me|hitting me|choked|chok(?:es|ing) me|pushed me|shoved me|threw me",
        r"beat(?:s|ing)? me|slapped|kicked me|punched|grabbed me|strangled me|bruises?",
        r"scared to go home|afraid to go home|locked (?:in|me|her|him)|came into my room",
        r"i'?m (?:so )?terrified\b(?! of (?:flying|spiders|heights|needles|public speaking|the (?:exam|test|interview)))",
        r"in danger|scared for (?:my|her|his|their) (?:life|lives|safety)|fear for (?:my|her|his) (?:life|safety)",
        r"(?:he|she|they)(?:'?ll|'?d| will| would| is going to| said he'?d| said she'?d) (?:\w+ )?kill|threaten\w*",
        r"gun to my head|(?:find me and|i'?ll) regret it|reads my messages",
        r"(?:drunk|drinking)\W+(?:\w+\W+){0,8}driv\w+|driv\w+ (?:\w+ ){0,6}(?:drunk|drinking)",
        r"alone (?:since|all day|with no)|without food|no coat|never see (?:her|him|them) again|touch(?:ed|es|ing) me",
        r"(?:drive|run) us (?:all )?off the road|if i try to leave|took the (?:kids|car seats)",
        r"(?:said|says|threatened|swore|told me) (?:that )?(?:he|she|they)(?:'?s| is| was| will|'ll)? (?:going to |gonna )?kill me",
        r"needed stitches|made me tell|walked into a|fell down the stairs|didn'?t fall|(?:not|isn'?t) (?:sure it'?s )?safe (?:for me )?to go home",
        r"took my (?:phone|car keys|keys)|threw (?:a|the) \w+ at|cracked my ribs|broke my (?:nose|arm|wrist|ribs|jaw)|hands around my throat",
        r"grabbed (?:her|him|me) by the (?:neck|throat|hair)|shoved (?:her|him|me)|slaps (?:him|her|me)|locks (?:his|her|my) (?:bedroom )?door|locks (?:her|him|me) in",
        r"(?:using|took|takes|taking) (?:her|his|my) (?:bank card|pension|money)|(?:isn'?t|wasn'?t|not) given (?:dinner|food)|raised his hand to me|split lip",
        r"(?:hasn'?t|haven'?t|won'?t|doesn'?t) (?:let|been giving) (?:him|her|me)(?: have)? (?:her |his |my )?(?:insulin|meds|medicine|medication|the phone)",
        r"won'?t let (?:him|her|me) use the phone|afraid to complain|scared in my own (?:house|home)|hiding at",
        r"(?:lo|la|me|los|las) (?:deja|dejan|tiene|tienen) encerrad[oa]s?|pastillas de m[aá]s|"
        r"sexual (?:messages|texts|photos|pictures|comments)|molest\w*|groom(?:ing|ed) (?:her|him|my)|"
        r"inappropriate(?:ly)? touch\w*|touched (?:her|him|me) (?:at|during|after|in|under|when|while)\b",
        # Spanish, Portuguese, French and Tagalog
        r"\bme (?:pega|peg[oó]|golpea|golpe[oó]|amenaza|amenaz[oó])\b|"
        r"tengo miedo de (?:[eé]l|ella|mi (?:esposo|esposa|pareja|novio|pap[aá]|padrastro))|"
        r"\b(?:ele|ela) me (?:bate|bateu|amea[cç]a|amea[cç]ou)\b|tenho medo dele|"
        r"\b(?:il|elle) me (?:frappe|menace)\b|m'a frapp[ée]|j'ai peur de lui|"
        r"sinasaktan (?:ako|niya ako)|binubugbog",
    ),
    "medical emergency": (
        r"took (?:all|like \d+|\d+|a bunch|too many|the whole|way too|my whole)"
        + _NOT_A_DOSE
        + "|swallowed",
        r"took " + _WEEK_OF_PILLS,
        r"overdos\w+|too much (?:\w+ )?(?:with|and) (?:wine|alcohol|beer|vodka|drinks?)",
        r"chest pain|can'?t breathe|trouble breathing|hard to breathe|short(?:ness)? of breath",
        r"seizure|convuls\w+|passed out|pass(?:ing)? out|fainted|unconscious|unresponsive",
        r"(?:lips?|tongue|throat|face) (?:\w+ ){0,3}swell\w*|swell\w* (?:up|shut)|throat (?:feels )?(?:tight|closing)|hives",
        r"slurr\w+|can'?t stand up|hit (?:his|her|my) head|temp(?:erature)? of 10[2-9]|fever of 10[2-9]",
        r"stiff as a board|really confused|heart (?:is )?pounding|can barely keep my eyes open",
        r"went to the er|call(?:ed)? 911|ambulance",
        r"blisters? (?:in|inside) (?:my |her |his )?mouth|rash (?:\w+ ){0,4}(?:peel\w*|spreading)|eyes (?:are )?burning",
        r"hard to wake|breathing (?:is|feels|seems) slow|slow breathing|feel(?:s)? floaty",
        r"\bhad (?:some kind of |a )?fit\b|shaking all over|eyes rolled back|whole body (?:was )?jerking",
        r"stiff neck|neck (?:super |really |very )?stiff|coffee grounds|nearly passes out|passes out",
        r"(?:hasn'?t|haven'?t|has not|have not|stopped|isn'?t|not) (?:eaten|eating|had anything|"
        r"drunk|drinking)(?:\W+\w+){0,10}?\W+(?:since (?:\w+day|last week)|for (?:\d+|two|three|four|five|several) days)",
        r"took (?:\w+ ){0,3}(?:twice|extra|four|five|double)|(?:and|then) (?:had|drank) (?:wine|beer|a few beers|drinks)|extra sleeping pills",
        r"took (?:about |around |like |maybe |almost |over |nearly |some |most of )?(?:\d+|all|a bunch|"
        r"too many|the whole|half)" + _NOT_A_DOSE,
        # heavy bleeding (in pregnancy, an obstetric emergency)
        r"bleeding (?:a lot|heavily|so much|really bad|badly|nonstop|won'?t stop)|heavy bleeding|"
        r"soak(?:ing|ed|s)? through (?:a |my |the |two |\d+ )?(?:pads?|tampons?)|"
        r"pregnant(?:\W+\w+){0,10}?\W+bleeding",
        r"don'?t (?:remember|know) how many|accidentally (?:doubled|tripled|took|double[d-]? ?dosed)|double[d-]? ?dosed",
        r"chest (?:\w+ ){0,2}tight|tight(?:ness)? in my chest|arm (?:is )?(?:going |gone )?numb|numb(?:ness)? in my (?:left )?arm",
        r"can'?t feel my (?:hands|legs|face)|room is spinning|throwing up (?:blood|and)|can'?t stop (?:throwing up|vomiting|shaking)",
        r"rash (?:\w+ ){0,6}blister\w*|blistering rash|sores? (?:in|inside) (?:my|her|his) mouth|mouth sores",
        r"walk(?:s|ing)? like (?:a |he'?s |she'?s |i'?m )?drunk|can'?t walk straight|(?:shaking|trembling) (?:very|so|really) (?:much|bad|hard)",
        r"seeing (?:bugs|insects|spiders|things that aren'?t there)|heart (?:won'?t|will not|doesn'?t) slow down|cold turkey (?:\w+ ){0,8}(?:shaking|seizure|seeing)",
        r"(?:\d+[- ]?(?:year|yr|month)[- ]?old|toddler|baby|kid|child|son|daughter|niece|nephew|"
        r"grandson|granddaughter) (?:\w+ )?got into (?:my|the|his|her|our) (?:\w+ ){0,2}(?:bottle|pills|"
        r"meds|medications?|tablets|gummies|patch(?:es)?|purse|bag)"
        r"(?!(?:\W+\w+){0,12}\W+(?:vet|nothing happened|(?:is|was|'?s) (?:fine|ok|okay)|no harm))",
        r"two times in the (?:morning|evening|night)|(?:took|taken) (?:it |them )?twice",
        # serotonin syndrome's clonus (Hunter criteria: Dunkley EJC et al., QJM 2003;96:635-642),
        # not the jerk of falling asleep
        r"(?:legs?|arms?|muscles?|whole body|body) (?:keeps? |won'?t stop |are |is |started |keep on )?"
        r"(?:jerk|twitch|spasm)\w*(?! (?:\w+ ){0,3}(?:as|when|while|just as) (?:i'?m |i )?"
        r"(?:fall|falling|drift|drifting|doze|dozing|nod))",
        # alcohol with a sedative or opioid, or someone else's opioid or benzodiazepine
        r"(?:drank|drinking|had|downed) (?:\w+ ){0,6}(?:vodka|whiskey|whisky|tequila|rum|gin|wine|"
        r"beers?|alcohol|shots|drinks)\W+(?:\w+\W+){0,8}?(?:took|popped|taking|with|plus|on top of) "
        r"(?:\w+\W+){0,6}?(?:percs?|percocets?|oxy\w*|xanax|xans|bars|klonopin|ativan|valium|benzos?|"
        r"opioids?|fentanyl|vicodin|norcos?|sleeping pills|ambien|seroquel)",
        r"(?:took|taking|had|popped|swallowed|used) (?:\w+ ){0,8}?(?:roommate|friend|mom|dad|mother|"
        r"father|brother|sister|boyfriend|girlfriend|grandma|grandpa)'?s " + _BORROWED,
        # Spanish, Portuguese, French and Tagalog: pills taken, breath, chest, seizure, swelling
        r"(?:me )?tom[eé] (?:todas|todos|muchas|muchos) (?:las |los |mis )?(?:pastillas|p[ií]ldoras|"
        r"medicinas)|sobredosis|no puedo respirar|dolor (?:fuerte )?(?:en el|de) pecho|"
        r"se me (?:est[aá] )?hinchando|"
        r"tomei (?:todos|todas|muitos|muitas) (?:os |as |meus |minhas )?(?:comprimidos|rem[eé]dios|"
        r"p[ií]lulas)|n[aã]o consigo respirar|dor no peito|"
        r"j'ai pris (?:tous|toutes) (?:mes|les) (?:m[ée]dicaments|comprim[ée]s|cachets)|"
        r"je n'arrive pas [aà] respirer|douleur (?:[aà]|dans) la poitrine|"
        r"ininom ko (?:lahat|lahat ng gamot)|hindi (?:ako )?makahinga",
    ),
    "psychosis with danger": (
        r"voices? (?:\w+ ){0,3}(?:telling|told|tells|says|said) (?:me|her|him) to",
        r"chip (?:in|behind)|poison\w+ (?:our|my|the)|convinced (?:the|that)",
        r"(?:god|the devil|satan|jesus|an angel|they|someone|something) (?:is |are |keeps |has been )?(?:telling|told|tells|commanding|ordering) (?:me|him|her) (?:i need |i have |that i need )?to",
        r"(?:make|a) sacrifice|haven'?t slept in (?:\d+|three|four|five|six|several) days",
        r"the voices? (?:\w+ ){0,3}(?:telling|say|says|commanding|ordering|want)|(?:tv|radio) is (?:ordering|telling)",
        r"burn (?:the|my) (?:house|apartment)|set (?:the|my) (?:house|apartment) on fire|back to the water|prove he can fly",
    ),
}

# Families whose cue counts only with a word of risk in the same sentence: a bridge club,
# a gun safe or "how much melatonin is too much" are not urgent.
URGENT_CONTEXT = {
    "thanks and goodbye": re.compile(
        r"sorry|love you|forgive|won'?t|last|\bbye\b|disappointment|burden|after|goodbye|for good|"
        r"anymore|no more|refills?|the end",
        re.I,
    ),
    "a lethal dose": re.compile(
        r"surviv|wake|heart|damage|kill|\bdie\b|dead|hypothetical|for a friend|asking for|breath|"
        r"(?:right )?here right now|have (?:both|them|it|everything) (?:here|right here|with me)|"
        r"someone (?:i know|who)|enough to|in one go|at once|all of (?:them|it)|whole|bottle",
        re.I,
    ),
    "a place to die": re.compile(
        r"edge|jump|looking down|stood|standing|\bsat\b|sitting|railing|alone|quiet|peaceful|"
        r"deep|current|fall|wrong side|return|barrier|nets\b|schedule|slow|climb|tonight|"
        r"every night|keep (?:going|thinking|driving|stopping)|drove|walked|wheel|over it",
        re.I,
    ),
    "a weapon": re.compile(
        r"\bkeeps?\b|know where|bought|picked up|\bgot\b|glovebox|behind the seat|in my (?:car|truck|bag)|"
        r"loaded|thinking|\bkey\b|where (?:his|her|my) \w+ keeps|waiting period|bring (?:him|her|me)|"
        r"nightstand|drawer|to my head|stores?\b|shooting|looking up|"
        r"hall closet|practicing|tonight|my dad'?s|my brother'?s|beam|hold",
        re.I,
    ),
}
# A message that says the danger has passed, or gives an everyday reason, is not urgent
# for the cues it holds (a safety plan that worked; moving away; an OCD thought).
BENIGN = re.compile(  # anywhere in the message
    r"\b(?:used (?:my|the|our) safety plan|i'?m safe now|i am safe now|safe (?:now|this morning|today)|"
    r"(?:feel|feeling) (?:completely |totally |perfectly )?(?:normal|fine)\b|it'?s the ocd|"
    r"pure o|intrusive (?:thought|image|urge|picture)s?|the ocd thing|call of the void|"
    r"(?:i'?m|i am) (?:\w+ ){0,2}(?:totally |completely |perfectly )?fine now|now and fine|"
    r"(?:it|they|that) passed (?:right away|quickly|within|after|on (?:its|their) own)|and then passed|"
    r"nothing has happened|(?:i'?m )?not having any symptoms|no symptoms at all|"
    r"(?:she'?s|he'?s|they'?re|i'?m) (?:fully|completely) recovered|"
    r"(?:i'?ve been|i'?m|i am) in a (?:really |much |very )?good place)",
    re.I,
)
# ...unless the message also says the danger is still there ("I used the safety plan but
# it didn't help").
STILL_UNSAFE = re.compile(
    r"\b(?:not (?:safe|working|helping)|(?:didn'?t|did not|doesn'?t|does not|isn'?t|wasn'?t) "
    r"(?:work|help|helping|working)|can'?t (?:keep|stay) (?:myself )?safe|still (?:want|wanting|"
    r"planning|thinking about (?:it|dying|ending))|came back)",
    re.I,
)
BENIGN_NEARBY = re.compile(  # in the cue's sentence or the next
    r"\b(?:moving to|moving away|new job|wedding|(?:on|a) vacation|decluttering|when i'?m back|"
    r"to rebook|gun safe|locking them up|locked up|bridge club|stepped back|hiking|with my partner|"
    r"(?:guns?|rifles?|firearms?|weapons?) (?:\w+ ){0,2}locked (?:at|in|away|up)|"
    r"(?:i'?ll be|i'?m|i will be|traveling|travelling|studying|working|living) (?:\w+ )?"
    r"(?:abroad|overseas)|"
    r"travel(?:l?ing)? for work|business trip|out of (?:town|the country)|(?:on|for) a trip|"
    r"not in a (?:bad|dark|scary|suicidal|worrying) way|(?:i mean|meaning) socially|relocat\w+|"
    r"pet[- ](?:restricted|free|policy)|no pets|emotional support animal|knife skills|"
    r"cooking class)",
    re.I,
)
# Hedges that read like negations but are not ("I'm not sure I want to be alive").
HEDGE = re.compile(r"\b(?:not sure|don'?t know if|don'?t think|not certain|no idea if)\b", re.I)
# An urgent cue in the same sentence as one of these (and no "now" word) is not urgent.
NEGATION = re.compile(
    r"\b(?:not|no|never|nothing|none|don'?t|doesn'?t|didn'?t|isn'?t|aren'?t|wasn'?t|"
    r"haven'?t|hasn'?t|without|denies|deny|zero)\b"
    # "nobody is threatening me": only right before the cue ("nobody knows he hits me" stays)
    r"|\b(?:nobody|no one|no-one) (?:is|was|has been|'s)(?: actually| really| ever)?$",
    re.I,
)
PAST = re.compile(
    r"\b(?:years? ago|months? ago|back in \d{4}|in (?:19|20)\d\d|when i was (?:a |in )|"
    r"used to|in the past|history of|my history|since my attempt|old (?:therapist|records|notes)|"
    r"last (?:spring|summer|fall|autumn|winter|year)|back in (?:january|february|march|april|may|"
    r"june|july|august|september|october|november|december|the day|high school|college)|"
    r"hospitali[sz]ation in|(?:that'?s|it'?s|all) (?:all )?behind me|years? (?:clean|sober|free)|"
    r"when i was \d+|\d+ years ago|from (?:19|20)\d\d|prior si|have ever|ever attempted|once, \d+|"
    r"(?:past|previous|prior|old) (?:overdoses?|attempts?|hospitali[sz]ations?|suicid\w+|self-harm)|"
    r"after my (?:overdose|attempt|hospitali[sz]ation)|ever had|none since|nothing since|"
    r"(?:self-harm|cutting|cut|clean|sober)[- ]free (?:for|since)|free for (?:\w+ ){0,2}(?:years?|months?)|"
    r"(?:haven'?t|have not) (?:cut|self-harmed|hurt myself) (?:in|for|since))\b",
    re.I,
)
NOW = re.compile(
    r"\b(?:again|tonight|today|right now|rn|now|this (?:morning|afternoon|evening|week)|"
    r"last night|currently|lately|every (?:day|night)|keep (?:thinking|picturing))\b",
    re.I,
)
ELSEWHERE = re.compile(  # media, other people's words, hypotheticals
    r"\b(?:documentary|podcast|show|movie|film|book|novel|news|article|character|episode|"
    r"13 reasons|series|video game|in class|lecture|suicide[- ]loss|loss survivors?|survivors? of suicide|(?:asked|wondered|thought) (?:me )?(?:if|whether) i (?:was|were|am)|my friend'?s(?! "
    + _BORROWED
    + r")|coworker keeps saying|"
    r"jokes?|joked|joking|anniversary|thesis|research|prevention|phq-?9 question|"
    r"phq-?9 (?:asks?|item)|questionnaire|the question (?:about|that asks)|"
    r"life insurance (?:application|company|form|questionnaire|exam|paperwork|records|policy form)|"
    r"(?:applying|application|forms?) for life insurance|"
    r"died by suicide|lost (?:her|his|their|my|a|our) \w+ to suicide|(?:overdose|suicide) risk|risk of (?:an? )?(?:overdose|suicide)|warn(?:ed|ing|s) (?:me )?about|"
    r"\bocd\b|intrusive|told me (?:that )?(?:her|his|their)|(?:brother|sister|friend|cousin|"
    r"uncle|aunt|mother|father|mom|dad|co-?worker|colleague|classmate|neighbou?r|boss|teacher|"
    r"roommate|student|client|patient)'s (?:suicide|death|attempt|overdose)|screening|"
    r"intake (?:forms?|paperwork|questions?)|asks (?:whether|if|how often|how many|about)|"
    r"(?:separate|intake|these) forms|worksheet|passed away|died (?:of|from)|"
    r"(?:dangerous|toxic|fatal|lethal) in (?:an? )?overdose|pharmacist (?:said|mentioned|told)|"
    r"(?:label|leaflet|insert|warning) says)\b",
    re.I,
)
# The client's own child, whose account of abuse ("my daughter told me her coach...") is
# a disclosure the clinician must act on (mandated reporting), not someone else's story.
MY_CHILD = re.compile(
    r"\bmy (?:\d+[- ]year[- ]old |teenage |little |youngest |oldest )?(?:daughter|son|child|kid|"
    r"stepdaughter|stepson|grandchild|granddaughter|grandson)s?\b",
    re.I,
)
IDIOMS = re.compile(
    r"\b(?:killing me|kill for|murder(?:ing)? (?:me|my)|dying to|death of me|"
    r"(?:gonna|going to|will) kill me|dead tired|dead on my feet|strangle my|"
    r"(?:could|gonna|going to|want to|wanna) strangle (?:whoever|the|this|that) (?:designed|made|"
    r"wrote|pharmacy|pharmacist|"
    r"insurance|insurer|printer|computer|app|portal|system|phone|website|\w+ company)|"
    r"shoot me now|heart attack|slowly killing|to die for|bored to death|scared to death|"
    r"through the roof|killer (?:headache|migraine)|dead battery|deadline|"
    r"died laughing|kill(?:ed)? it|kill(?:s|ed)? the (?:effect\w*|mood|vibe|buzz|momentum)|"
    r"hit (?:me )?(?:close to home|so hard|hard|harder)|(?:it|this|that) hit me|"
    r"murder (?:a|some) (?:pizza|burger|coffee|beer|drink|sandwich|taco)|(?:'ll|will|gonna|going to) kill me if|"
    r"die of (?:embarrassment|shame|boredom|laughter)|rather die than|(?:'d|would) rather die\W*\s+than|"
    r"overdos\w+ on (?:coffee|caffeine|sugar|chocolate|candy|netflix|tv|cake)|the end of me|"
    r"disappear from (?:your |the )?(?:mailing|email|e-mail|contact) list|"
    r"(?:i'?ll|gonna|going to) jump off a (?:bridge|cliff|roof) if)\b",
    re.I,
)
_POSSESSION = re.compile(
    r"\b(?:giv(?:e|es|ing|en)|gave) (?:away )?(?:\w+['’]?\w* ){0,6}(?:stuff|things|belongings|"
    r"guitar|cat|dog|jewelry|jewellery|ring|necklace|watch|clothes|books|car|passwords|"
    r"possessions)\b(?: away\b)?|"
    r"\b(?:giv(?:e|es|ing|en)|gave) (?:\w+ )?(?:my|her|his) (?:\w+ ){0,2}(?:away|to (?:my|her|his) \w+)",
    re.I,
)


# A large ingestion ("i took 40 of my tylenol"): urgent even when the writer feels fine
# (acetaminophen's liver damage shows a day or more later: Heard KJ, N Engl J Med
# 2008;359:285-292), unlike a dose taken twice.
LARGE_INGESTION = re.compile(
    r"\btook (?:about |around |like |maybe |almost |over |nearly )?(?:(?:[1-9]\d|\d{3}|twenty|thirty|"
    r"forty|fifty|sixty|a hundred|all (?:of )?(?:my|the|her|his) (?:\w+ )?(?:pills|tablets|meds)|"
    r"the whole bottle|a whole bottle)\b" + _NOT_A_DOSE + "|" + _WEEK_OF_PILLS + ")",
    re.I,
)


def compile_cues(cues: dict[str, tuple[str, ...]]) -> dict[str, re.Pattern[str]]:
    """One case-insensitive pattern per family (alternatives joined, whole words)."""
    return {
        family: re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")", re.I)
        for family, patterns in cues.items()
    }


CATEGORY_RES = compile_cues(CATEGORY_CUES)
URGENT_RES = {**compile_cues(URGENT_CUES), "giving things away": _POSSESSION}
