"""`manage.py train_triage` writes a model the inbox loads: both parts, with thresholds
chosen by cross-validation."""

from __future__ import annotations

import json

from django.core.management import call_command

from copilot.inbox.triage import CATEGORIES, TriageModel, triage
from copilot.management.commands.train_triage import DATA_DIR


def test_training_writes_a_model_the_inbox_loads(tmp_path):
    messages = json.loads((DATA_DIR / "train_messages.json").read_text())
    sample = [m for c in CATEGORIES for m in [x for x in messages if x["category"] == c][:12]]
    data, out = tmp_path / "messages.json", tmp_path / "triage.npz"
    data.write_text(json.dumps(sample))

    call_command("train_triage", data=[data], out=out)

    model = TriageModel.load(out)
    assert set(model.classes) == set(CATEGORIES)
    assert model.weights.shape[0] == len(CATEGORIES)
    assert model.sentence_weights.shape == (3 * 384,)
    assert 0 < model.review_threshold <= model.sentence_threshold <= 0.95
    found = triage(["Can we move Thursday's session to Friday at 3?"], model=model)
    assert found[0].category in CATEGORIES
