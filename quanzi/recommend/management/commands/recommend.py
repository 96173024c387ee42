"""`quanzi recommend <sub-command>` (= `manage.py recommend ...`):

- `train`: train the configured model (RECOMMEND_MODEL) from the event log and orders and store the lists serving
  reads, with a progress bar (the nightly job `recommend.jobs.train_nightly` does the same).
- `evaluate`: the offline evaluation on a public data set (`--data DIR`, LightGCN format, default
  ../shared/data/gowalla; or the LastFM social split with `--social`), the published protocol, published rows
  beside ours (quanzi.recommend.evaluation.report; bench/recommend.py runs the same).

Each sub-command is one `add_<name>` / `handle_<name>` pair below; add a new one the same way.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Recommendations: train (and the other sub-commands listed by --help)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True, metavar="{train,...}")
        train = sub.add_parser("train", help="train the model from the event log and store the serving lists")
        train.add_argument("--model", default=None, help="algorithm name (default: settings.RECOMMEND_MODEL)")
        train.add_argument("--no-progress", action="store_true", help="no progress bar")
        evaluate = sub.add_parser("evaluate", help="offline evaluation on a public data set (Recall@20, NDCG@20)")
        evaluate.add_argument("--data", default=None, help="data directory (default ../shared/data/gowalla)")
        evaluate.add_argument("--model", default=None, help="algorithm name (default: the chosen model)")
        evaluate.add_argument("--params", default=None, help='JSON object of model params, e.g. \'{"factors": 256}\'')
        evaluate.add_argument("--no-valid", action="store_true", help="test figure only (skip train -> valid)")
        evaluate.add_argument("--social", action="store_true", help="LastFM: the model with and without friends")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"handle_{options['sub']}", None)
        if handler is None:
            raise CommandError(f"unknown sub-command {options['sub']!r}")
        handler(**options)

    # --- train ---------------------------------------------------------------------------------------------------

    def handle_train(self, **options: Any) -> None:
        from tqdm import tqdm

        from quanzi.recommend import services

        bars: dict[str, Any] = {}

        def progress(step: str, done: int, total: int) -> None:
            if options["no_progress"]:
                return
            bar = bars.get(step)
            if bar is None:
                bar = bars[step] = tqdm(total=max(total, 1), desc=step, unit="", leave=True,
                                        file=self.stderr._out)
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

        try:
            run = services.model_train(algorithm=options["model"], progress=progress)
        except ValueError as exc:  # an unknown algorithm name
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"model #{run.pk} ({run.algorithm}): {run.users} members, {run.items} items, "
                          f"{run.interactions} interactions, {run.seconds:.2f} s")

    # --- evaluate ------------------------------------------------------------------------------------------------

    def handle_evaluate(self, **options: Any) -> None:
        import json

        from quanzi.recommend.algorithms import DEFAULT_MODEL, DEFAULT_PARAMS, REGISTRY
        from quanzi.recommend.datasets import DEFAULT_DATA_ROOT, load
        from quanzi.recommend.evaluation import report, social_check

        model = options["model"] or DEFAULT_MODEL
        if model not in REGISTRY:
            raise CommandError(f"unknown model {model!r}; known: {', '.join(sorted(REGISTRY))}")
        try:
            params = json.loads(options["params"]) if options["params"] else DEFAULT_PARAMS.get(model, {})
        except json.JSONDecodeError as exc:
            raise CommandError(f"--params is not JSON: {exc}") from exc
        if not isinstance(params, dict):
            raise CommandError("--params must be a JSON object")
        default_dir = DEFAULT_DATA_ROOT / ("lastfm_social" if options["social"] else "gowalla")
        data = options["data"] or str(default_dir)
        try:
            if options["social"]:
                check = social_check(load(data), model, params, log=self.stdout.write)
                self.stdout.write(f"{model} without friends: recall@20={check.without.recall:.4f} "
                                  f"ndcg@20={check.without.ndcg:.4f}")
                self.stdout.write(f"{model} + friends (weight {check.weight}): recall@20="
                                  f"{check.with_friends.recall:.4f} ndcg@20={check.with_friends.ndcg:.4f}")
                return
            report(data, model, params, with_valid=not options["no_valid"], write=self.stdout.write)
        except (FileNotFoundError, ValueError, MemoryError) as exc:
            raise CommandError(str(exc)) from exc
