"""Demo recommendations (#11): some members share their purchases with their followers (among them people the
demo member follows, so 好友买过 shows), then the model is trained once, at the end, so the home feed's 为你推荐
shows trained lists with their reasons. Training the demo takes about a second; past `TRAIN_BUDGET_S` the log
says so (the feeds then show the popularity fallback until `quanzi recommend train` or the nightly job runs)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from quanzi.accounts.selectors import following_ids
from quanzi.recommend import services as recommend

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.web.demo.build import DemoWorld

TRAIN_BUDGET_S = 5.0


def build_recommend(world: DemoWorld, rng: random.Random, named: dict[str, User],
                    log: Callable[[str], None]) -> None:
    followed = set(following_ids(user=named["member"]))
    sharing = [u for u in world.users if u.pk in followed or rng.random() < 0.3]
    for u in sharing:
        recommend.preference_set(user=u, share_purchases=True)
    started = time.perf_counter()
    run = recommend.model_train()
    took = time.perf_counter() - started
    log(f"  recommendations: {len(sharing)} members share purchases; model {run.algorithm} trained in {took:.1f} s "
        f"({run.users} members, {run.items} items)" + (" — over budget, consider training by the job only"
                                                        if took > TRAIN_BUDGET_S else ""))
