// Synthetic outpatient behavioral-health charts for the sandbox EHR.
//
// Entirely fictional people. Deterministic: the same seed and anchor date give the
// same resources, byte for byte. Dates are placed relative to the anchor date (the
// day the sandbox starts, by default) so charts always look current: 16 weeks of
// care before the anchor and one planned session a few days after it.
//
// The tables at the top describe each client; the functions below turn them into
// FHIR R4 resources: Practitioner, Patient, Condition (ICD-10-CM), MedicationStatement,
// CarePlan + Goal, Encounter, Observation (PHQ-9 / GAD-7 with item components),
// QuestionnaireResponse (intake), DocumentReference (progress notes), CareTeam and
// Appointment (the last two sessions held, the next one booked); two therapy groups
// (FHIR Group, type person, actual) run by one clinician; and clients' secure
// messages to their therapists (Communication).

const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
const LOINC = 'http://loinc.org';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const CPT = 'http://www.ama-assn.org/go/cpt';
const PART2 = [
  { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: '42CFRPart2', display: '42 CFR Part2' },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R', display: 'restricted' },
];
// A HIPAA psychotherapy note (45 CFR 164.501): HL7 v3 ActCode PSYTHPN, "psychotherapy
// note information sensitivity" (ActInformationSensitivityPolicy).
const PSYCHOTHERAPY = [
  { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSYTHPN', display: 'psychotherapy note information sensitivity' },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R', display: 'restricted' },
];
const PRONOUNS = {
  'she/her': { code: 'LA29519-8', display: 'she/her/her' },
  'he/him': { code: 'LA29518-0', display: 'he/him/his' },
  'they/them': { code: 'LA29520-6', display: 'they/them/their' },
};
const PHQ9_ITEMS = ['44250-9', '44255-8', '44259-0', '44254-1', '44251-7', '44258-2', '44252-5', '44253-3', '44260-8'];
const GAD7_ITEMS = ['69725-0', '68509-9', '69733-4', '69734-2', '69735-9', '69689-8', '69736-7'];

export const PRACTITIONERS = [
  { id: 'pr-rivera', given: 'Elena', family: 'Rivera', prefix: 'Dr.', npi: '1902837465', qualification: 'Licensed Psychologist (PhD); clinical supervisor' },
  { id: 'pr-okafor', given: 'Samuel', family: 'Okafor', npi: '1467382910', qualification: 'Licensed Clinical Social Worker (LCSW)' },
  { id: 'pr-chen', given: 'Mei', family: 'Chen', npi: '1598273640', qualification: 'Licensed Professional Counselor (LPC)' },
  { id: 'pr-patel', given: 'Arjun', family: 'Patel', npi: '1730495862', qualification: 'LPC Associate (pre-licensed); notes require co-signature by the clinical supervisor' },
];
const SUPERVISOR = 'pr-rivera';
const PRE_LICENSED = 'pr-patel';

// One object per client. `phq9` / `gad7`: [first, last] totals of the trajectory
// (null: instrument not used). `item9`: PHQ-9 item 9 by administration index
// ('last', or a 0-based number) - every other administration scores 0. `events`:
// extra note sentences by session number (1-based) or `lastMeasured`.
export const CLIENTS = [
  {
    id: 'bh-001', given: 'Maya', family: 'Thompson', gender: 'female', pronouns: 'she/her', age: 34,
    therapist: 'pr-chen', cadence: 7,
    conditions: [{ code: 'F33.1', display: 'Major depressive disorder, recurrent, moderate', onsetYears: 6 }],
    meds: [{ rxnorm: '312940', display: 'sertraline 50 MG Oral Tablet', dosage: '50 mg by mouth once daily', startSession: 3 }],
    phq9: [19, 6], gad7: [12, 5],
    goals: [
      { text: 'Reduce PHQ-9 total below 10 within 12 weeks', measure: '44261-6', value: 10, achievement: 'improving' },
      { text: 'Schedule and complete at least 3 pleasant activities per week', achievement: 'in-progress' },
      { text: 'Sleep at least 6 hours on 5 of 7 nights', achievement: 'improving' },
    ],
    themes: ['low mood and withdrawal from friends', 'poor sleep and early waking', 'stress at work as a project manager', 'guilt about not keeping up with chores'],
    interventions: ['behavioral activation', 'activity scheduling', 'cognitive restructuring of self-critical thoughts', 'sleep hygiene psychoeducation'],
    homework: ['complete the weekly activity log', 'schedule two walks with a friend', 'keep a thought record for self-critical thoughts', 'keep a consistent wake time'],
    events: {
      3: 'Client reported starting sertraline 50 mg daily, prescribed by her primary care physician, and denied side effects so far.',
      5: 'Client talked about her sister Dana, who has been helping with childcare on weekday evenings.',
      9: 'Client described an argument with her sister Dana about their mother\'s care and said it left her tearful for two days.',
    },
    presenting: 'Depressed mood, loss of interest and poor sleep for three months after a job change.',
  },
  {
    id: 'bh-002', given: 'James', family: 'Carter', gender: 'male', pronouns: 'he/him', age: 47,
    therapist: 'pr-okafor', cadence: 14,
    conditions: [{ code: 'F41.1', display: 'Generalized anxiety disorder', onsetYears: 10 }],
    meds: [{ rxnorm: '349332', display: 'escitalopram 10 MG Oral Tablet', dosage: '10 mg by mouth once daily', startDaysBefore: 400 }],
    phq9: [11, 11], gad7: [14, 13],
    goals: [
      { text: 'Reduce GAD-7 total below 10', measure: '70274-6', value: 10, achievement: 'no-change' },
      { text: 'Use a worry-postponement period on 5 of 7 days', achievement: 'in-progress' },
    ],
    themes: ['constant worry about finances', 'muscle tension and restlessness', 'worry about his teenage son\'s driving', 'difficulty switching off in the evening'],
    interventions: ['CBT worry exposure', 'worry postponement', 'progressive muscle relaxation', 'Socratic questioning'],
    homework: ['practice progressive muscle relaxation nightly', 'schedule a 15-minute worry period', 'complete a worry log'],
    events: {},
    presenting: 'Persistent, hard-to-control worry and tension for many years, worse since a layoff scare.',
  },
  {
    id: 'bh-003', given: 'Alex', family: 'Morgan', gender: 'other', pronouns: 'they/them', age: 26,
    therapist: PRE_LICENSED, cadence: 7,
    conditions: [{ code: 'F43.10', display: 'Post-traumatic stress disorder, unspecified', onsetYears: 2 }],
    meds: [],
    phq9: [8, 17], gad7: [11, 15], item9: { last: 1 },
    goals: [
      { text: 'Reduce frequency of nightmares to fewer than 2 per week', achievement: 'worsening' },
      { text: 'Use grounding skills during intrusive memories at least once daily', achievement: 'in-progress' },
    ],
    themes: ['nightmares and intrusive memories of the car accident', 'avoidance of driving', 'hypervigilance on public transport', 'isolation from friends'],
    interventions: ['EMDR resourcing', 'grounding skills (5-4-3-2-1)', 'trauma psychoeducation', 'safety planning'],
    homework: ['practice the calm-place exercise daily', 'use grounding skills when memories intrude', 'track nightmares in a sleep diary'],
    events: {
      lastMeasured: 'Client endorsed passive suicidal ideation ("sometimes I think everyone would be better off without me") and denied plan or intent. Safety plan reviewed and updated together; client agreed to call 988 or go to the nearest emergency department if thoughts intensify.',
    },
    presenting: 'Nightmares, flashbacks and avoidance since a serious car accident two years ago.',
  },
  {
    id: 'bh-004', given: 'Priya', family: 'Nair', gender: 'female', pronouns: 'she/her', age: 52,
    therapist: 'pr-chen', cadence: 14,
    conditions: [{ code: 'F43.23', display: 'Adjustment disorder with mixed anxiety and depressed mood', onsetYears: 0 }],
    meds: [{ rxnorm: '993503', display: 'bupropion hydrochloride 150 MG 24HR Extended Release Oral Tablet', dosage: '150 mg by mouth every morning', startDaysBefore: 300, stoppedDaysBefore: 60 }],
    phq9: [14, 8], gad7: [13, 7],
    goals: [
      { text: 'Return to work part-time within 10 weeks', achievement: 'improving' },
      { text: 'Reduce PHQ-9 total below 10', measure: '44261-6', value: 10, achievement: 'improving' },
    ],
    themes: ['adjusting to her divorce', 'worry about living alone', 'planning a return to work', 'rebuilding her social network'],
    interventions: ['problem-solving therapy', 'values clarification', 'supportive counseling', 'behavioral activation'],
    homework: ['list three options for the housing decision', 'contact one old friend this week', 'update her resume'],
    events: {},
    presenting: 'Low mood, worry and tearfulness since her divorce was finalized four months ago.',
    // The therapist's own process notes of the last session, kept apart from the record.
    psychotherapyNote: 'Process note, not part of the record. Countertransference: I noticed impatience when she returned to the marriage again; explore in supervision. Hypothesis: her wish to rescue her brother Vikram mirrors the caretaking role she held in the marriage.',
  },
  {
    id: 'bh-005', given: 'Ethan', family: 'Brooks', gender: 'male', pronouns: 'he/him', age: 16,
    therapist: 'pr-okafor', cadence: 14, telehealth: true,
    conditions: [{ code: 'F90.0', display: 'Attention-deficit hyperactivity disorder, predominantly inattentive type', onsetYears: 8 }],
    meds: [{ display: 'methylphenidate hydrochloride 18 MG 24HR Extended Release Oral Tablet', dosage: '18 mg by mouth every morning on school days', startDaysBefore: 700 }],
    phq9: null, gad7: null,
    goals: [
      { text: 'Turn in at least 90% of homework assignments on time', achievement: 'improving' },
      { text: 'Use a daily planner for all classes', achievement: 'in-progress' },
    ],
    themes: ['missed homework deadlines', 'conflict with parents about screen time', 'organizing his backpack and planner', 'preparing for exams'],
    interventions: ['organizational skills training', 'parent coaching', 'motivational interviewing (MI)', 'time-management coaching'],
    homework: ['check the planner with a parent every evening', 'use a timer for 25-minute study blocks', 'pack his bag the night before'],
    events: {},
    presenting: 'Falling grades and missed assignments; referred by his school counselor.',
  },
  {
    id: 'bh-006', given: 'Robert', family: 'Hayes', gender: 'male', pronouns: 'he/him', age: 58,
    therapist: PRE_LICENSED, cadence: 7, part2: true,
    conditions: [
      { code: 'F10.20', display: 'Alcohol dependence, uncomplicated', onsetYears: 12, part2: true },
      { code: 'F41.1', display: 'Generalized anxiety disorder', onsetYears: 5 },
    ],
    meds: [{ rxnorm: '835564', display: 'naltrexone hydrochloride 50 MG Oral Tablet', dosage: '50 mg by mouth once daily', startDaysBefore: 90, part2: true }],
    phq9: [10, 9], gad7: [15, 9],
    goals: [
      { text: 'Maintain abstinence from alcohol, measured by weekly self-report', achievement: 'improving', part2: true },
      { text: 'Reduce GAD-7 total below 10', measure: '70274-6', value: 10, achievement: 'improving' },
    ],
    themes: ['cravings in the evening after work', 'attending mutual-support meetings', 'worry about his health', 'repairing trust with his wife'],
    interventions: ['motivational interviewing (MI)', 'relapse-prevention planning', 'urge surfing', 'CBT for anxiety'],
    homework: ['attend two mutual-support meetings', 'write down high-risk situations for the week', 'practice urge surfing when cravings come'],
    // Which themes, interventions and homework are about substance use: a note that
    // mentions any of them is 42 CFR Part 2 information.
    substanceThemes: [0, 1, 3],
    substanceInterventions: [0, 1, 2],
    substanceHomework: [0, 1, 2],
    events: {},
    presenting: 'Daily drinking for years with two failed attempts to stop; anxiety worsening as he cuts down.',
  },
  {
    id: 'bh-007', given: 'Sofia', family: 'Alvarez', gender: 'female', pronouns: 'she/her', age: 29,
    therapist: 'pr-okafor', cadence: 7,
    conditions: [{ code: 'F41.1', display: 'Generalized anxiety disorder', onsetYears: 3 }],
    meds: [{ rxnorm: '349332', display: 'escitalopram 10 MG Oral Tablet', dosage: '10 mg by mouth once daily', startDaysBefore: 150 }],
    phq9: null, gad7: [16, 8],
    goals: [
      { text: 'Reduce GAD-7 total below 10 within 16 weeks', measure: '70274-6', value: 10, achievement: 'improving' },
      { text: 'Give a presentation at work without leaving early', achievement: 'in-progress' },
    ],
    themes: ['fear of presenting at work', 'racing thoughts before sleep', 'avoiding phone calls', 'reassurance seeking from her partner'],
    interventions: ['graded exposure', 'cognitive restructuring', 'diaphragmatic breathing', 'DBT distress-tolerance skills'],
    homework: ['complete the next step on the exposure hierarchy', 'practice paced breathing twice a day', 'make one phone call without rehearsing'],
    events: {},
    presenting: 'Worry, panic-like surges and avoidance of work presentations for three years.',
  },
  {
    id: 'bh-008', given: 'Daniel', family: 'Kim', gender: 'male', pronouns: 'he/him', age: 41,
    therapist: SUPERVISOR, cadence: 14,
    conditions: [
      { code: 'F33.1', display: 'Major depressive disorder, recurrent, moderate', onsetYears: 9 },
      { code: 'F43.21', display: 'Adjustment disorder with depressed mood', onsetYears: 3, resolved: true },
    ],
    meds: [{ rxnorm: '312940', display: 'sertraline 50 MG Oral Tablet', dosage: '50 mg by mouth once daily', startDaysBefore: 500 }],
    phq9: [10, 18], gad7: [7, 9], item9: { 3: 1 },
    goals: [
      { text: 'Reduce PHQ-9 total below 10', measure: '44261-6', value: 10, achievement: 'worsening' },
      { text: 'Re-engage in one weekly social activity', achievement: 'no-change' },
      // Never taken up in a session: the treatment-plan review has no evidence for it.
      { text: 'Keep a gratitude journal on 4 evenings a week', achievement: 'in-progress' },
    ],
    themes: ['loss of motivation after a promotion was denied', 'withdrawal from his running group', 'fatigue and oversleeping', 'tension in his marriage'],
    interventions: ['behavioral activation', 'cognitive restructuring', 'interpersonal therapy focus on role transition', 'safety planning'],
    homework: ['schedule one run with the group', 'record mood and activity daily', 'plan a conversation with his spouse'],
    events: {
      4: 'Client reported passive thoughts that "it would be easier not to wake up" during a bad week, denied plan or intent. Safety plan completed.',
    },
    presenting: 'Recurrence of depression over the past two months with fatigue and withdrawal.',
  },
];

// Therapy groups: FHIR Group (type person, actual true), the facilitator as
// managingEntity, members as Group.member.entity. Each group mixes clients of the
// facilitator's caseload with clients of another therapist's (bh-002, bh-007: Okafor).
export const GROUPS = [
  {
    id: 'group-dbt-skills', name: 'DBT skills group', facilitator: 'pr-chen', weeks: 10,
    code: 'Dialectical behavior therapy skills group',
    members: ['bh-001', 'bh-004', 'bh-007'],
  },
  {
    id: 'group-anxiety-cbt', name: 'Anxiety CBT group', facilitator: 'pr-chen', weeks: 6,
    code: 'Cognitive behavioral therapy group for anxiety',
    members: ['bh-004', 'bh-002', 'bh-007'],
  },
];

// Secure messages from clients (FHIR Communication, sender the Patient, recipient the
// client's therapist), sent `minutesBefore` the anchor (all within its last 3 days).
// `category` is how a clinician would triage the message (for tests of triage; it is
// not part of the resource); `topic` is the subject line the client typed, if any.
// Ethan's parent writes from his portal account, so the sender is still the Patient.
export const MESSAGES = [
  {
    id: 'msg-bh-001-1', client: 'bh-001', minutesBefore: 795, category: 'scheduling', topic: 'Thursday session',
    text: "Hi Mei, could we move Thursday's session to Friday afternoon? Work moved a meeting on me and I can't get out of it. Any time after 2 works. Thanks, Maya",
  },
  {
    id: 'msg-bh-001-2', client: 'bh-001', minutesBefore: 3845, category: 'medication', topic: 'Question about my medication',
    text: "Hi Mei, not an emergency, just a question. Since my doctor put the sertraline dose up I've been dizzy for the first hour or so in the mornings, mostly when I get out of bed. It's gone by the time I leave for work. Is that normal or should I call her office? Maya",
  },
  {
    id: 'msg-bh-004-1', client: 'bh-004', minutesBefore: 288, category: 'urgent',
    text: "I know we don't meet until next week. I've been giving my things away to my sister, the good jewelry, Amma's saris, the photo albums, so she won't have to sort through it all later. I don't really see the point anymore. I didn't know who else to tell.",
  },
  {
    id: 'msg-bh-004-2', client: 'bh-004', minutesBefore: 2020, category: 'billing', topic: 'New insurance',
    text: "Hello Mei, my insurance changed on the 1st; I'm on my own plan now since the divorce. Does the practice need a copy of the new card before my next appointment? I can bring it in or upload a photo. Priya Nair",
  },
  {
    id: 'msg-bh-002-1', client: 'bh-002', minutesBefore: 1500, category: 'administrative', topic: 'Letter for work',
    text: "Hello Samuel, HR at work is asking for a letter confirming that I attend sessions with you every two weeks, so they can keep my schedule flexible on those afternoons. Just the attendance, nothing about what we talk about. Could you write one? Thank you, James Carter",
  },
  {
    id: 'msg-bh-003-1', client: 'bh-003', minutesBefore: 620, category: 'clinical', topic: 'Thought record homework',
    text: "Hi Arjun, I'm stuck on the thought record. I can fill in the situation and the hot thought fine, but the 'evidence against' column stays empty. Anything I write there feels like I'm lying to myself. Should I leave it blank, or can we go over it next time? - Alex",
  },
  {
    id: 'msg-bh-005-1', client: 'bh-005', minutesBefore: 2900, category: 'scheduling', topic: 'Cancel next week',
    text: "Hi Mr. Okafor, this is Ethan's mom writing from his account. He has a school trip next week, so we need to cancel his video session. Could we get him in the week after instead? Thank you!",
  },
  {
    id: 'msg-bh-007-1', client: 'bh-007', minutesBefore: 410, category: 'scheduling', topic: 'Reschedule Tuesday',
    text: "I'm not having any thoughts of hurting myself, don't worry. I just need to reschedule Tuesday. My manager moved the team presentation to that afternoon (exposure hierarchy in real life, I guess). Would Wednesday or Thursday work? Sofia",
  },
  {
    id: 'msg-bh-008-1', client: 'bh-008', minutesBefore: 3500, category: 'billing', topic: 'Superbill',
    text: "Dr. Rivera, my insurance says you're out of network but they'll reimburse part of it if I send them a superbill. Could you send me one for my sessions so far? It needs the diagnosis and CPT codes, apparently. Thanks, Daniel Kim",
  },
];

// --- helpers -----------------------------------------------------------------

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86400000;
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);
const isoTime = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const ref = (type, id, display) => (display ? { reference: `${type}/${id}`, display } : { reference: `${type}/${id}` });
const pad = (n) => String(n).padStart(2, '0');
const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');
const coding = (system, code, display) => ({ coding: [{ system, code, display }], text: display });

function practitionerName(id) {
  const p = PRACTITIONERS.find((x) => x.id === id);
  return [p.prefix, p.given, p.family].filter(Boolean).join(' ');
}

function practitioner(p) {
  return {
    resourceType: 'Practitioner',
    id: p.id,
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: p.npi }],
    active: true,
    name: [{ use: 'official', family: p.family, given: [p.given], ...(p.prefix ? { prefix: [p.prefix] } : {}) }],
    qualification: [{ code: { text: p.qualification } }],
  };
}

function patient(c, anchor, rand) {
  const birthYear = new Date(anchor).getUTCFullYear() - c.age - 1;
  const birthDate = `${birthYear}-${pad(1 + Math.floor(rand() * 12))}-${pad(1 + Math.floor(rand() * 28))}`;
  const n = Number(c.id.slice(-3));
  return {
    resourceType: 'Patient',
    id: c.id,
    meta: { tag: [{ system: 'http://example.org/fhir/CodeSystem/sandbox', code: 'behavioral-health-demo' }] },
    extension: c.pronouns
      ? [{ url: 'http://hl7.org/fhir/StructureDefinition/individual-pronouns', extension: [{ url: 'value', valueCodeableConcept: coding(LOINC, PRONOUNS[c.pronouns].code, PRONOUNS[c.pronouns].display) }] }]
      : [],
    identifier: [{
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical record number' }] },
      system: 'urn:oid:2.16.840.1.113883.3.9999.1',
      value: `BH${String(100200 + n * 37)}`,
    }],
    active: true,
    name: [{ use: 'official', family: c.family, given: [c.given] }],
    telecom: [
      { system: 'phone', value: `555-01${pad(n)}-${String(1000 + n * 123).slice(-4)}`, use: 'mobile' },
      { system: 'email', value: `${c.given.toLowerCase()}.${c.family.toLowerCase()}@example.com` },
    ],
    gender: c.gender,
    birthDate,
    address: [{ line: [`${100 + n * 11} Maple Street`], city: 'Springfield', state: 'MA', postalCode: `011${pad(n)}` }],
    generalPractitioner: [ref('Practitioner', c.therapist, practitionerName(c.therapist))],
  };
}

function sessionDays(c) {
  const days = [];
  for (let d = -112; d < 0; d += c.cadence) days.push(d);
  return days; // intake at -112, last session at least one day before the anchor
}

function distribute(total, count, fixed, rand) {
  const items = new Array(count).fill(0);
  let left = total;
  for (const [index, value] of Object.entries(fixed)) {
    items[index] = value;
    left -= value;
  }
  const open = items.map((_, i) => i).filter((i) => !(i in fixed));
  while (left > 0) {
    const candidates = open.filter((i) => items[i] < 3);
    const pick = candidates[Math.floor(rand() * candidates.length)];
    items[pick] += 1;
    left -= 1;
  }
  return items;
}

function trajectory([first, last], count, max, rand) {
  return Array.from({ length: count }, (_, i) => {
    if (i === 0) return first;
    if (i === count - 1) return last;
    const base = first + ((last - first) * i) / (count - 1);
    return Math.max(0, Math.min(max, Math.round(base + (rand() * 2 - 1))));
  });
}

function item9For(c, index, count) {
  if (!c.item9) return 0;
  if (c.item9.last !== undefined && index === count - 1) return c.item9.last;
  return c.item9[index] ?? 0;
}

function observation(c, kind, index, total, items, when, encounterId) {
  const phq = kind === 'phq9';
  const codes = phq ? PHQ9_ITEMS : GAD7_ITEMS;
  return {
    resourceType: 'Observation',
    id: `obs-${c.id}-${kind}-${pad(index + 1)}`,
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: 'Survey' }] }],
    code: phq
      ? coding(LOINC, '44261-6', 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]')
      : coding(LOINC, '70274-6', 'Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]'),
    subject: ref('Patient', c.id),
    encounter: ref('Encounter', encounterId),
    effectiveDateTime: isoTime(when),
    performer: [ref('Practitioner', c.therapist)],
    valueQuantity: { value: total, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
    component: codes.map((code, i) => ({ code: { coding: [{ system: LOINC, code }] }, valueInteger: items[i] })),
  };
}

function severity(kind, total) {
  const bands = kind === 'phq9'
    ? [[4, 'minimal'], [9, 'mild'], [14, 'moderate'], [19, 'moderately severe'], [27, 'severe']]
    : [[4, 'minimal'], [9, 'mild'], [14, 'moderate'], [21, 'severe']];
  return bands.find(([high]) => total <= high)[1];
}

function noteText(c, s) {
  const lines = [];
  const soap = s.index % 2 === 1;
  const subjective = s.intake
    ? `Intake assessment. Presenting problem: ${c.presenting}`
    : `Client reported ${s.theme} since the last session.`;
  const observed = s.mood;
  const scores = s.scores.map(([kind, total]) => `${kind === 'phq9' ? 'PHQ-9' : 'GAD-7'} ${total} (${severity(kind, total)})`).join('; ');
  const risk = s.event && /suicidal|better off|not to wake up/.test(s.event) ? '' : 'Client denies SI/HI.';
  if (soap) {
    lines.push(`S: ${subjective}${s.event ? ` ${s.event}` : ''}`);
    lines.push(`O: ${observed}${scores ? ` Scores today: ${scores}.` : ''} ${risk}`.trim());
    lines.push(`A: ${s.assessment}`);
    lines.push(`P: Used ${s.intervention} in session. Homework: ${s.homework}. Next session in ${c.cadence === 7 ? 'one week' : 'two weeks'}.`);
  } else {
    lines.push(`D: ${subjective}${s.event ? ` ${s.event}` : ''} ${observed}${scores ? ` Scores today: ${scores}.` : ''} Therapist used ${s.intervention}. ${risk}`.trim());
    lines.push(`A: ${s.assessment}`);
    lines.push(`P: Homework: ${s.homework}. Continue ${s.intervention} next session${c.cadence === 7 ? ' in one week' : ' in two weeks'}.`);
  }
  return `${s.intake ? 'Intake assessment' : 'Progress note'} - ${practitionerName(c.therapist)}\n\n${lines.join('\n')}`;
}

const MOODS = [
  'Client was on time, casually dressed, with good eye contact; mood described as "tired", affect constricted.',
  'Client appeared well groomed and engaged; mood "a bit better", affect brighter than last session.',
  'Client was restless and spoke quickly; mood "stressed", affect anxious; thought process linear.',
  'Client appeared tired, speech soft, mood "flat", affect congruent; thought process goal-directed.',
  'Client was engaged and reflective; mood "okay", affect full range; no perceptual disturbances noted.',
];
const ASSESSMENTS = {
  better: ['Client is making steady progress toward treatment goals and is engaging well with skills practice.', 'Symptoms are decreasing; client shows growing insight and uses coping skills between sessions.'],
  same: ['Symptoms remain at a similar level; client is engaged but struggling to apply skills consistently.', 'Progress is slow; client benefits from continued structure and skills rehearsal.'],
  worse: ['Symptoms have increased over recent weeks; treatment plan to be reviewed with the client.', 'Client reports worsening symptoms; will increase session focus on coping and safety.'],
};

function chartFor(c, anchor, rand) {
  const out = [];
  const days = sessionDays(c);
  const sessionTime = (d) => anchor + d * DAY + 15 * 3600000; // 15:00 UTC
  const intake = sessionTime(days[0]);
  const pat = patient(c, anchor, rand);
  out.push(pat);

  c.conditions.forEach((dx, i) => {
    out.push({
      resourceType: 'Condition',
      id: `dx-${c.id}-${i + 1}`,
      ...(dx.part2 ? { meta: { security: PART2 } } : {}),
      clinicalStatus: coding('http://terminology.hl7.org/CodeSystem/condition-clinical', dx.resolved ? 'resolved' : 'active', dx.resolved ? 'Resolved' : 'Active'),
      verificationStatus: coding('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed', 'Confirmed'),
      category: [coding('http://terminology.hl7.org/CodeSystem/condition-category', 'problem-list-item', 'Problem List Item')],
      code: coding(ICD10, dx.code, dx.display),
      subject: ref('Patient', c.id),
      onsetDateTime: isoDate(anchor - dx.onsetYears * 365 * DAY - 30 * DAY),
      ...(dx.resolved ? { abatementDateTime: isoDate(anchor - 400 * DAY) } : {}),
      recordedDate: isoDate(intake),
      recorder: ref('Practitioner', c.therapist),
    });
  });

  c.meds.forEach((m, i) => {
    const start = m.startSession !== undefined ? sessionTime(days[m.startSession - 1]) : anchor - m.startDaysBefore * DAY;
    out.push({
      resourceType: 'MedicationStatement',
      id: `med-${c.id}-${i + 1}`,
      ...(m.part2 ? { meta: { security: PART2 } } : {}),
      status: m.stoppedDaysBefore ? 'stopped' : 'active',
      medicationCodeableConcept: m.rxnorm ? coding(RXNORM, m.rxnorm, m.display) : { text: m.display },
      subject: ref('Patient', c.id),
      effectivePeriod: { start: isoDate(start), ...(m.stoppedDaysBefore ? { end: isoDate(anchor - m.stoppedDaysBefore * DAY) } : {}) },
      dateAsserted: isoDate(Math.max(start, intake)),
      informationSource: ref('Practitioner', c.therapist),
      dosage: [{ text: m.dosage }],
    });
  });

  const goalIds = c.goals.map((_, i) => `goal-${c.id}-${i + 1}`);
  c.goals.forEach((g, i) => {
    out.push({
      resourceType: 'Goal',
      id: goalIds[i],
      ...(g.part2 ? { meta: { security: PART2 } } : {}),
      lifecycleStatus: 'active',
      achievementStatus: coding('http://terminology.hl7.org/CodeSystem/goal-achievement', g.achievement, g.achievement.replace('-', ' ')),
      description: { text: g.text },
      subject: ref('Patient', c.id),
      startDate: isoDate(intake),
      target: [{
        ...(g.measure ? { measure: coding(LOINC, g.measure, g.measure === '44261-6' ? 'PHQ-9 total score' : 'GAD-7 total score'), detailQuantity: { value: g.value, comparator: '<', unit: '{score}' } } : {}),
        dueDate: isoDate(intake + 120 * DAY),
      }],
      expressedBy: ref('Patient', c.id),
    });
  });
  out.push({
    resourceType: 'CarePlan',
    id: `plan-${c.id}`,
    ...(c.part2 ? { meta: { security: PART2 } } : {}),
    status: 'active',
    intent: 'plan',
    category: [{ text: 'Behavioral health treatment plan' }],
    title: `Treatment plan for ${c.given} ${c.family}`,
    description: `Outpatient psychotherapy every ${c.cadence === 7 ? 'week' : 'two weeks'} for ${c.conditions.filter((d) => !d.resolved).map((d) => d.display).join('; ')}.`,
    subject: ref('Patient', c.id),
    period: { start: isoDate(intake) },
    created: isoDate(intake),
    author: ref('Practitioner', c.therapist),
    goal: goalIds.map((id) => ref('Goal', id)),
    activity: c.interventions.slice(0, 2).map((text) => ({ detail: { status: 'in-progress', description: text } })),
  });

  // Measures every 14 days (weekly clients) or every session (fortnightly clients).
  const measured = days.map((d, i) => ({ d, i })).filter(({ d }) => (d - days[0]) % 14 === 0);
  const series = {};
  for (const kind of ['phq9', 'gad7']) {
    if (!c[kind]) continue;
    series[kind] = trajectory(c[kind], measured.length, kind === 'phq9' ? 27 : 21, rand);
  }

  days.forEach((d, i) => {
    const start = sessionTime(d);
    const minutes = i === 0 ? 60 : [45, 53, 45, 55][Math.floor(rand() * 4)];
    const encounterId = `enc-${c.id}-${pad(i + 1)}`;
    const cpt = i === 0 ? ['90791', 'Psychiatric diagnostic evaluation'] : minutes >= 53 ? ['90837', 'Psychotherapy, 60 minutes with patient'] : ['90834', 'Psychotherapy, 45 minutes with patient'];
    out.push({
      resourceType: 'Encounter',
      id: encounterId,
      status: 'finished',
      class: c.telehealth ? { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR', display: 'virtual' } : { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
      type: [coding(CPT, cpt[0], cpt[1])],
      subject: ref('Patient', c.id),
      participant: [{ individual: ref('Practitioner', c.therapist, practitionerName(c.therapist)) }],
      period: { start: isoTime(start), end: isoTime(start + minutes * 60000) },
      reasonCode: [coding(ICD10, c.conditions[0].code, c.conditions[0].display)],
    });

    const scores = [];
    const m = measured.findIndex((x) => x.i === i);
    if (m >= 0) {
      for (const kind of Object.keys(series)) {
        const total = series[kind][m];
        const fixed = kind === 'phq9' ? { 8: item9For(c, m, measured.length) } : {};
        const items = distribute(total, kind === 'phq9' ? 9 : 7, fixed, rand);
        out.push(observation(c, kind, m, total, items, start + 50 * 60000, encounterId));
        scores.push([kind, total]);
      }
    }

    // Events are keyed by session number (1-based), or `lastMeasured`: the session
    // of the last PHQ-9 / GAD-7 administration.
    const lastMeasured = i === measured[measured.length - 1].i;
    const event = (lastMeasured && c.events.lastMeasured) || c.events[i + 1];
    const themeIndex = i % c.themes.length;
    const trend = c.phq9 || c.gad7 || [0, 0];
    const direction = trend[1] < trend[0] - 2 ? 'better' : trend[1] > trend[0] + 2 ? 'worse' : 'same';
    const session = {
      index: i,
      intake: i === 0,
      theme: c.themes[themeIndex],
      intervention: c.interventions[Math.floor(rand() * c.interventions.length)],
      homework: c.homework[Math.floor(rand() * c.homework.length)],
      mood: MOODS[Math.floor(rand() * MOODS.length)],
      assessment: ASSESSMENTS[direction][Math.floor(rand() * 2)],
      scores,
      event,
    };
    const substance = c.part2 && (
      (c.substanceThemes || []).includes(themeIndex)
      || (c.substanceInterventions || []).includes(c.interventions.indexOf(session.intervention))
      || (c.substanceHomework || []).includes(c.homework.indexOf(session.homework)));
    const text = noteText(c, session);
    out.push({
      resourceType: 'DocumentReference',
      id: `note-${c.id}-${pad(i + 1)}`,
      ...(substance || (c.part2 && i === 0) ? { meta: { security: PART2 } } : {}),
      status: 'current',
      docStatus: 'final',
      type: coding(LOINC, '11506-3', 'Progress note'),
      category: [coding('http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category', 'clinical-note', 'Clinical Note')],
      subject: ref('Patient', c.id),
      date: isoTime(start + minutes * 60000),
      author: [ref('Practitioner', c.therapist, practitionerName(c.therapist))],
      description: i === 0 ? 'Intake assessment' : 'Psychotherapy progress note',
      content: [{ attachment: { contentType: 'text/plain; charset=utf-8', data: b64(text), title: i === 0 ? 'Intake assessment' : `Progress note ${isoDate(start)}` } }],
      context: { encounter: [ref('Encounter', encounterId)], period: { start: isoTime(start), end: isoTime(start + minutes * 60000) } },
    });
    if (c.psychotherapyNote && i === days.length - 1) out.push(psychotherapyNote(c, start + minutes * 60000, encounterId));
  });

  const next = anchor + (3 + Math.floor(rand() * 8)) * DAY + 15 * 3600000;
  out.push({
    resourceType: 'Encounter',
    id: `enc-${c.id}-next`,
    status: 'planned',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: c.telehealth ? 'VR' : 'AMB' },
    type: [coding(CPT, '90834', 'Psychotherapy, 45 minutes with patient')],
    subject: ref('Patient', c.id),
    participant: [{ individual: ref('Practitioner', c.therapist, practitionerName(c.therapist)) }],
    period: { start: isoTime(next), end: isoTime(next + 45 * 60000) },
  });

  // The two last sessions held and the next one booked, as the scheduling system
  // records them (past-1 is the last session, past-2 the one before it).
  out.push(appointment(c, 'next', next, 'booked'));
  days.slice(-2).reverse().forEach((d, i) => out.push(appointment(c, `past-${i + 1}`, sessionTime(d), 'fulfilled')));

  out.push(intakeQuestionnaire(c, intake, series));
  out.push({
    resourceType: 'CareTeam',
    id: `careteam-${c.id}`,
    status: 'active',
    name: `Care team for ${c.given} ${c.family}`,
    subject: ref('Patient', c.id),
    participant: [
      { role: [{ text: 'Primary therapist' }], member: ref('Practitioner', c.therapist, practitionerName(c.therapist)) },
      ...(c.therapist === PRE_LICENSED ? [{ role: [{ text: 'Supervisor' }], member: ref('Practitioner', SUPERVISOR, practitionerName(SUPERVISOR)) }] : []),
    ],
  });
  return out;
}

// No rand() here: adding appointments leaves every other generated value unchanged.
// A 50-minute psychotherapy slot (FHIR R4 Appointment); telehealth clients' carry
// the v3-ActCode VR ("virtual") coding and say so in their text.
function appointment(c, suffix, start, status) {
  const virtual = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR', display: 'virtual' };
  return {
    resourceType: 'Appointment',
    id: `appt-${c.id}-${suffix}`,
    status,
    serviceType: [c.telehealth ? { coding: [virtual], text: 'Telehealth psychotherapy' } : { text: 'Psychotherapy' }],
    appointmentType: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0276', code: 'FOLLOWUP', display: 'A follow up visit from a previous appointment' }],
      text: c.telehealth ? 'Telehealth follow-up' : 'Follow-up',
    },
    start: isoTime(start),
    end: isoTime(start + 50 * 60000),
    minutesDuration: 50,
    participant: [
      { actor: ref('Patient', c.id, `${c.given} ${c.family}`), required: 'required', status: 'accepted' },
      { actor: ref('Practitioner', c.therapist, practitionerName(c.therapist)), required: 'required', status: 'accepted' },
    ],
  };
}

// No rand() here: adding the note leaves every other generated value unchanged.
function psychotherapyNote(c, when, encounterId) {
  return {
    resourceType: 'DocumentReference',
    id: `psynote-${c.id}`,
    meta: { security: PSYCHOTHERAPY },
    status: 'current',
    docStatus: 'final',
    type: { text: 'Psychotherapy note' },
    category: [coding('http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category', 'clinical-note', 'Clinical Note')],
    subject: ref('Patient', c.id),
    date: isoTime(when + 30 * 60000),
    author: [ref('Practitioner', c.therapist, practitionerName(c.therapist))],
    description: 'Psychotherapy note',
    content: [{ attachment: { contentType: 'text/plain; charset=utf-8', data: b64(c.psychotherapyNote), title: 'Psychotherapy note' } }],
    context: { encounter: [ref('Encounter', encounterId)] },
  };
}

function intakeQuestionnaire(c, intake, series) {
  const answer = (linkId, text, value) => ({ linkId, text, answer: [typeof value === 'number' ? { valueInteger: value } : { valueString: value }] });
  const items = [
    answer('presenting-problem', 'What brings you in today?', c.presenting),
    answer('history', 'How long has this been going on, and what has changed?', `Symptoms began with ${c.themes[0]}; ${c.themes[1]} followed.`),
    answer('prior-treatment', 'Have you had counseling or psychiatric treatment before?', c.meds.length ? `Yes; currently or previously taking ${c.meds[0].display}.` : 'No prior treatment.'),
    answer('substance-use', 'Alcohol, drug or tobacco use', c.part2 ? 'Drinks 6-8 beers daily; wants to stop.' : 'Social drinking, 1-2 drinks a week; no drug use.'),
    answer('family-social', 'Family and social history', `${c.age < 18 ? 'Lives with both parents and a younger sister.' : 'Lives locally; has a supportive friend network.'}`),
    answer('safety-ever', 'Have you ever had thoughts of ending your life?', c.item9 ? 'Yes, passive thoughts in the past, never a plan.' : 'No.'),
    answer('safety-now', 'Are you having thoughts of ending your life now?', 'No.'),
  ];
  if (series.phq9) items.push(answer('phq9-total', 'PHQ-9 total score', series.phq9[0]));
  if (series.gad7) items.push(answer('gad7-total', 'GAD-7 total score', series.gad7[0]));
  return {
    resourceType: 'QuestionnaireResponse',
    id: `intake-${c.id}`,
    ...(c.part2 ? { meta: { security: PART2 } } : {}),
    questionnaire: 'http://example.org/fhir/Questionnaire/bh-intake',
    status: 'completed',
    subject: ref('Patient', c.id),
    authored: isoTime(intake),
    author: ref('Practitioner', c.therapist),
    source: ref('Patient', c.id),
    item: items,
  };
}

// No rand() here: adding groups leaves every other generated value unchanged.
function therapyGroup(g, anchor) {
  const name = (id) => { const c = CLIENTS.find((x) => x.id === id); return `${c.given} ${c.family}`; };
  return {
    resourceType: 'Group',
    id: g.id,
    active: true,
    type: 'person',
    actual: true,
    code: { text: g.code },
    name: g.name,
    quantity: g.members.length,
    managingEntity: ref('Practitioner', g.facilitator, practitionerName(g.facilitator)),
    member: g.members.map((id) => ({
      entity: ref('Patient', id, name(id)),
      period: { start: isoDate(anchor - g.weeks * 7 * DAY) },
      inactive: false,
    })),
  };
}

// No rand() here: adding messages leaves every other generated value unchanged.
function secureMessage(m, anchor) {
  const c = CLIENTS.find((x) => x.id === m.client);
  return {
    resourceType: 'Communication',
    id: m.id,
    status: 'in-progress',
    ...(m.topic ? { topic: { text: m.topic } } : {}),
    subject: ref('Patient', c.id, `${c.given} ${c.family}`),
    sender: ref('Patient', c.id, `${c.given} ${c.family}`),
    recipient: [ref('Practitioner', c.therapist, practitionerName(c.therapist))],
    sent: isoTime(anchor - m.minutesBefore * 60000),
    payload: [{ contentString: m.text }],
  };
}

/**
 * Every resource of the synthetic behavioral-health charts.
 * @param {{anchorDate?: Date, seed?: number}} options
 * @returns {object[]} FHIR R4 resources, each with an explicit id
 */
export function generateBehavioralHealthCharts({ anchorDate = new Date(), seed = 20261122 } = {}) {
  const anchor = Date.UTC(anchorDate.getUTCFullYear(), anchorDate.getUTCMonth(), anchorDate.getUTCDate());
  const rand = mulberry32(seed);
  return [
    ...PRACTITIONERS.map(practitioner),
    ...CLIENTS.flatMap((c) => chartFor(c, anchor, rand)),
    ...GROUPS.map((g) => therapyGroup(g, anchor)),
    ...MESSAGES.map((m) => secureMessage(m, anchor)),
  ];
}
