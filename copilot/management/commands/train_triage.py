"""`manage.py train_triage`: fit the secure-message triage models (copilot.inbox.triage).

Reads the training messages (copilot/inbox/data/train_messages*.json: written for the
project, labelled by the practice's rule), embeds every message and sentence with
MiniLM, adds the cue counts (copilot.inbox.lexicon) and fits, with balanced class
weights and seeded stratified 5-fold cross-validation:

- the category model (multinomial logistic regression; C from C_GRID by
  cross-validated macro-F1 with the urgent cues deciding first);
- the sentence urgency model (binary logistic regression over each sentence in its
  context, copilot.inbox.triage.sentence_context, without the cues: the sentences
  holding a counted urgent cue in urgent messages, or every sentence of an urgent
  message with none, against every sentence of the other messages), and its
  threshold: the lowest at which its own cross-validated false alarms stay within
  MODEL_FALSE_ALARMS of the non-urgent training messages (it backs up the cues,
  which were written from these messages, for wording they miss; recall first, few
  needless alarms). False alarms, not precision: precision depends on how many
  urgent messages a set holds, and these files hold far more than an inbox; their
  routine messages are mostly hard ones (risk words past, negated, idioms), so the
  rate is an upper bound. And the lower "possible risk" threshold at which its own
  cross-validated recall reaches REVIEW_RECALL: a message it reaches there is filed
  by its request but marked for a careful read.

Writes copilot/inbox/data/triage.npz (a few KB) and prints the cross-validated
figures. The held-out messages of bench/triage.py are never read here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand

from copilot.inbox.triage import (
    MODEL_FILE,
    TriageModel,
    sentence_context,
    sentences,
    urgent_cues,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "inbox" / "data"
C_GRID = (1.0, 4.0, 16.0)
CUE_SCALE = 1.0
MODEL_FALSE_ALARMS = 0.05
REVIEW_RECALL = 0.95
THRESHOLDS = np.round(np.arange(0.95, 0.04, -0.05), 2)


class Command(BaseCommand):
    help = "Train the secure-message triage models and write copilot/inbox/data/triage.npz."

    def add_arguments(self, parser):
        parser.add_argument("--data", type=Path, nargs="*", default=None)
        parser.add_argument("--out", type=Path, default=MODEL_FILE)
        parser.add_argument("--seed", type=int, default=13)

    def handle(self, *args, data: list[Path] | None, out: Path, seed: int, **options):
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import f1_score
        from sklearn.model_selection import StratifiedKFold

        from copilot.retrieval.embeddings import embed

        files = data or sorted(DATA_DIR.glob("train_messages*.json"))
        messages = [m for f in files for m in json.loads(f.read_text())]
        texts = [m["text"] for m in messages]
        labels = np.array([m["category"] for m in messages])
        urgent = labels == "urgent"
        shell = TriageModel(np.zeros((0, 0)), np.zeros(0), (), CUE_SCALE)

        owner, sentence_texts, positive = _sentences(texts, urgent)
        vectors = embed([*texts, *sentence_texts])
        features = shell.features(texts, vectors[: len(texts)])
        # each message's sentences are consecutive rows (owner is sorted)
        per_message = np.split(
            vectors[len(texts) :], np.cumsum(np.bincount(owner, minlength=len(texts)))[:-1]
        )
        sentence_features = np.vstack(  # wording only: the cues are not its input
            [sentence_context(own, vectors[row]) for row, own in enumerate(per_message)]
        )
        ruled = np.array([any(not c.discounted for c in urgent_cues(t)) for t in texts])
        folds = list(StratifiedKFold(5, shuffle=True, random_state=seed).split(texts, labels))

        def categories(c: float, rows):
            model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
            return model.fit(features[rows], labels[rows])

        def sentence_model(rows):
            mask = np.isin(owner, rows)
            model = LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced")
            return model.fit(sentence_features[mask], positive[mask])

        predicted = {c: np.empty(len(labels), dtype=object) for c in C_GRID}
        worst = np.zeros(len(labels))  # the highest sentence urgency of each message
        for train, test in folds:
            for c in C_GRID:
                predicted[c][test] = categories(c, train).predict(features[test])
            model = sentence_model(train)
            mask = np.isin(owner, test)
            urgency = model.predict_proba(sentence_features[mask])[:, 1]
            for row, p in zip(owner[mask], urgency, strict=True):
                worst[row] = max(worst[row], p)
        scores = {
            c: f1_score(labels, np.where(ruled, "urgent", predicted[c]), average="macro")
            for c in C_GRID
        }
        best = max(C_GRID, key=lambda c: (scores[c], -c))
        for c in C_GRID:
            self.stdout.write(f"C={c:g}: cross-validated macro-F1 {scores[c]:.3f}")

        # The sentence model backs up the cues for wording they miss; the cues were
        # written from these same messages, so its threshold is chosen on its own
        # cross-validated answers: the lowest at which it alarms on at most
        # MODEL_FALSE_ALARMS of the non-urgent messages (recall first, few needless
        # alarms).
        threshold = 2.0
        for t in THRESHOLDS:
            alone = worst >= t
            recall, false_alarms = float(alone[urgent].mean()), float(alone[~urgent].mean())
            found = np.where(ruled | alone, "urgent", predicted[best])
            macro = f1_score(labels, found, average="macro")
            if false_alarms <= MODEL_FALSE_ALARMS:
                threshold = float(t)
            self.stdout.write(
                f"sentence threshold {t:.2f}: the model alone finds urgent with recall "
                f"{recall:.3f}, false alarms {false_alarms:.3f}; "
                f"with the cues, macro-F1 {macro:.3f}"
            )
        alone_recall = {t: float((worst >= t)[urgent].mean()) for t in THRESHOLDS}
        review = max((t for t in THRESHOLDS if alone_recall[t] >= REVIEW_RECALL), default=0.0)
        self.stdout.write(
            f"chosen sentence threshold {threshold:.2f}; 'possible risk' review threshold "
            f"{review:.2f} (the model alone: recall {alone_recall.get(review, 1.0):.3f})"
        )

        model = categories(best, np.arange(len(labels)))
        sentence = sentence_model(np.arange(len(labels)))
        out.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            out,
            weights=model.coef_.astype(np.float32),
            bias=model.intercept_.astype(np.float32),
            classes=np.array(model.classes_, dtype=str),
            cue_scale=np.float32(CUE_SCALE),
            c=np.float32(best),
            sentence_weights=sentence.coef_[0].astype(np.float32),
            sentence_bias=np.float32(sentence.intercept_[0]),
            sentence_threshold=np.float32(threshold),
            review_threshold=np.float32(review),
            messages=np.int32(len(labels)),
        )
        self.stdout.write(
            f"wrote {out} (C={best:g}, sentence threshold {threshold:.2f}, "
            f"{len(labels)} messages from {len(files)} files)"
        )


def _sentences(texts: list[str], urgent: np.ndarray):
    """Every sentence with its message's row and its label: a sentence of an urgent
    message holding a counted urgent cue, or any sentence of an urgent message holding
    none, is positive."""
    owner, found, positive = [], [], []
    for row, text in enumerate(texts):
        spans = sentences(text)
        counted = [c for c in urgent_cues(text) if not c.discounted]
        hits = [any(s.start <= c.span.start < s.end for c in counted) for s in spans]
        for span, hit in zip(spans, hits, strict=True):
            owner.append(row)
            found.append(span.text)
            positive.append(bool(urgent[row] and (hit or not any(hits))))
    return np.array(owner), found, np.array(positive)
