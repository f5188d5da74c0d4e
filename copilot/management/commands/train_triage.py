"""`manage.py train_triage`: fit the secure-message triage model (copilot.inbox.triage).

Embeds every training message (copilot/inbox/data/train_messages.json: 318 messages
written for the project, labelled by the practice's rule) with MiniLM, adds the cue
counts (copilot.inbox.lexicon), picks the inverse regularization C of a multinomial
logistic regression (balanced class weights) by stratified 5-fold cross-validation,
fits on every message and writes copilot/inbox/data/triage.npz (a few KB). Prints the
cross-validated macro-F1 of the model alone and with the urgent cues deciding first.
Deterministic: the folds and the solver are seeded. The held-out messages of
bench/triage.py are never read here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand

from copilot.inbox.triage import MODEL_FILE, TriageModel, urgent_cues

TRAIN_FILE = Path(__file__).resolve().parents[2] / "inbox" / "data" / "train_messages.json"
C_GRID = (1.0, 4.0, 16.0)
CUE_SCALE = 1.0


class Command(BaseCommand):
    help = "Train the secure-message triage model and write copilot/inbox/data/triage.npz."

    def add_arguments(self, parser):
        parser.add_argument("--data", type=Path, default=TRAIN_FILE)
        parser.add_argument("--out", type=Path, default=MODEL_FILE)
        parser.add_argument("--seed", type=int, default=13)

    def handle(self, *args, data: Path, out: Path, seed: int, **options):
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import f1_score
        from sklearn.model_selection import StratifiedKFold

        from copilot.retrieval.embeddings import embed

        messages = json.loads(data.read_text())
        texts = [m["text"] for m in messages]
        labels = np.array([m["category"] for m in messages])
        shell = TriageModel(np.zeros((0, 0)), np.zeros(0), (), CUE_SCALE)
        features = shell.features(texts, embed(texts))
        ruled = np.array([any(not c.discounted for c in urgent_cues(t)) for t in texts])
        folds = list(StratifiedKFold(5, shuffle=True, random_state=seed).split(texts, labels))

        def fit(c: float, rows):
            model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
            return model.fit(features[rows], labels[rows])

        scores = {}
        for c in C_GRID:
            predicted = np.empty(len(labels), dtype=object)
            for train, test in folds:
                predicted[test] = fit(c, train).predict(features[test])
            final = np.where(ruled, "urgent", predicted)
            scores[c] = (
                f1_score(labels, predicted, average="macro"),
                f1_score(labels, final, average="macro"),
            )
            self.stdout.write(
                f"C={c:g}: cross-validated macro-F1 {scores[c][0]:.3f} model, "
                f"{scores[c][1]:.3f} with urgent cues"
            )
        best = max(C_GRID, key=lambda c: (scores[c][1], -c))
        model = fit(best, np.arange(len(labels)))
        out.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            out,
            weights=model.coef_.astype(np.float32),
            bias=model.intercept_.astype(np.float32),
            classes=np.array(model.classes_, dtype=str),
            cue_scale=np.float32(CUE_SCALE),
            c=np.float32(best),
            messages=np.int32(len(labels)),
        )
        self.stdout.write(f"wrote {out} (C={best:g}, {len(labels)} messages)")
