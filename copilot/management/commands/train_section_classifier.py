"""`manage.py train_section_classifier`: fit the grounded engine's section model.

Embeds every sentence of ACI-Bench's reference notes (train split) with the drafting
engine's sentence vectors (static all-MiniLM-L6-v2, copilot.drafting.vectors), picks
the inverse regularization C of a multinomial logistic regression by 5-fold
cross-validation grouped by encounter (so no encounter is in both folds), fits on the
whole train split, reports accuracy on the valid split and writes the weights to
copilot/drafting/data/section_classifier.npz (a few KB).
Deterministic: the folds and the solver are seeded.

`--tune-linking` instead prints the thresholds for `grounded.link_sources`: each
reference-note sentence of ACI-Bench train is scored against its own transcript
(supported) and against the next encounter's (unsupported), and the pair of
thresholds (cosine, content-word recall) with the best balanced accuracy is shown.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from copilot.chart import ChartContext, Client
from copilot.drafting.classifier import ACI_LABELS, MODEL_FILE, aci_sentences, note_sentences
from copilot.drafting.grounded import support_scores
from copilot.drafting.templates import get_template
from copilot.drafting.types import DraftRequest
from copilot.drafting.vectors import embed_sentences

DEFAULT_DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "aci-bench"
C_GRID = (0.25, 1.0, 4.0, 16.0)


class Command(BaseCommand):
    help = "Train the section classifier on ACI-Bench and write section_classifier.npz."

    def add_arguments(self, parser):
        parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="ACI-Bench folder")
        parser.add_argument("--out", type=Path, default=MODEL_FILE, help="where to write")
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument("--tune-linking", action="store_true", help="print link thresholds")

    def handle(self, *args, data: Path, out: Path, seed: int, tune_linking: bool, **options):
        if not (data / "sections_json").is_dir():
            raise CommandError(f"No ACI-Bench sections_json folder under {data}.")
        if tune_linking:
            return self._tune_linking(data)
        train, valid = aci_sentences(data, "train"), aci_sentences(data, "valid")
        x_train, y_train, groups = _arrays(train)
        x_valid, y_valid, _ = _arrays(valid)
        scores = {c: _cross_validate(x_train, y_train, groups, c, seed) for c in C_GRID}
        best = max(scores, key=lambda c: (scores[c], -c))
        model = _fit(x_train, y_train, best, seed)
        valid_accuracy = float((model.predict(x_valid) == y_valid).mean())
        _save(out, model, best, seed, len(train), scores[best], valid_accuracy)
        for c, score in scores.items():
            self.stdout.write(f"C={c:<5g} cross-validated accuracy {score:.3f}")
        self.stdout.write(
            f"trained on {len(train)} sentences (C={best:g}); valid accuracy "
            f"{valid_accuracy:.3f} on {len(valid)} sentences; wrote {out}"
        )

    def _tune_linking(self, data: Path) -> None:
        cosine, recall, supported = _link_scores(data)
        balanced, c, r = _tune(cosine, recall, supported)
        passes = (cosine >= c) | (recall >= r)
        self.stdout.write(
            f"LINK_COSINE = {c:.2f}, LINK_OVERLAP = {r:.2f}: balanced accuracy {balanced:.3f} "
            f"(supported kept {passes[supported].mean():.3f}, unsupported flagged "
            f"{(~passes[~supported]).mean():.3f}; {supported.sum()} + {(~supported).sum()})"
        )


def _tune(
    cosine: np.ndarray, recall: np.ndarray, supported: np.ndarray
) -> tuple[float, float, float]:
    """(balanced accuracy, cosine threshold, recall threshold) of the best grid point."""
    best = (0.0, 0.0, 0.0)
    for c in np.arange(0.40, 0.91, 0.02):
        for r in np.arange(0.40, 1.01, 0.05):
            passes = (cosine >= c) | (recall >= r)
            balanced = (passes[supported].mean() + (~passes[~supported]).mean()) / 2
            best = max(best, (float(balanced), float(c), float(r)))
    return best


def _arrays(rows: list[tuple[str, str, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    vectors = embed_sentences([text for text, _, _ in rows])
    labels = np.array([ACI_LABELS.index(label) for _, label, _ in rows])
    return vectors, labels, np.array([encounter for _, _, encounter in rows])


def _fit(x: np.ndarray, y: np.ndarray, c: float, seed: int):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000, random_state=seed).fit(x, y)


def _cross_validate(x: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float, seed: int):
    from sklearn.model_selection import GroupKFold

    folds = GroupKFold(n_splits=5, shuffle=True, random_state=seed)
    correct = 0
    for train, test in folds.split(x, y, groups):
        correct += int((_fit(x[train], y[train], c, seed).predict(x[test]) == y[test]).sum())
    return correct / len(y)


def _save(out: Path, model, c: float, seed: int, n: int, cv: float, valid: float) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        weights=model.coef_.astype(np.float32),
        bias=model.intercept_.astype(np.float32),
        labels=np.array(ACI_LABELS),
        c=np.float32(c),
        seed=np.int64(seed),
        n_train=np.int64(n),
        cv_accuracy=np.float32(cv),
        valid_accuracy=np.float32(valid),
    )


def _link_scores(data: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cosine, recall, supported) over ACI-Bench train: own transcript vs the next one."""
    with (data / "csv" / "train.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    chart = ChartContext(
        client=Client("aci", "ACI-Bench", None, None, None, None, None),
        read_at=datetime(2023, 1, 1, tzinfo=UTC),
    )
    cosine, recall, supported = [], [], []
    for i, row in enumerate(rows):
        sentences = note_sentences(row["note"])
        for offset, label in ((0, True), (1, False)):
            other = rows[(i + offset) % len(rows)]["dialogue"]
            request = DraftRequest(get_template("soap"), other, chart, "transcript")
            cos, rec = support_scores(sentences, request)
            cosine += list(cos)
            recall += list(rec)
            supported += [label] * len(sentences)
    return np.array(cosine), np.array(recall), np.array(supported)
