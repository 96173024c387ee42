"""Recommendation writes: training (stores the lists serving reads), a member's settings (the art. 18 switch,
sharing purchases with followers) and 不感兴趣."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from quanzi.catalog.selectors import product_get
from quanzi.content.selectors import post_find
from quanzi.core.errors import DomainError
from quanzi.core.events import track
from quanzi.recommend import errors, selectors, training
from quanzi.recommend.enums import ItemKind, TrainingStatus
from quanzi.recommend.models import (
    HiddenItem,
    ItemNeighbours,
    MemberPreference,
    PopularList,
    TrainedModel,
    UserRecommendation,
)

logger = logging.getLogger("quanzi.recommend")
KEEP_MODELS = 2  # the newest READY run serves; one older stays so a request that just read its id still finds rows
BULK = 1000


def model_train(*, algorithm: str | None = None, params: dict[str, Any] | None = None,
                progress: training.Progress = training._no_progress) -> TrainedModel:
    """Train from the event log and orders and store the lists. The run's rows are written first, then its status
    flips to READY in one update: serving sees the old lists or the new ones, never half. A failure marks the run
    FAILED (serving keeps the previous one) and raises."""
    started = time.perf_counter()
    run = TrainedModel.objects.create(algorithm=algorithm or training.conf.model_name())
    try:
        result = training.train(algorithm=algorithm, params=params, progress=progress)
        with transaction.atomic():
            _store(run, result)
            run.status = TrainingStatus.READY
            run.params = {"model": result.params, "weights": training.conf.weights(),
                          "half_life_days": training.conf.half_life_days(),
                          "window_days": training.conf.window_days()}
            run.users, run.items, run.interactions = result.users, result.items, result.interactions
            run.repurchasable = result.repurchasable
            run.seconds = round(time.perf_counter() - started, 3)
            run.finished_at = timezone.now()
            run.save()
            track("recommend.train", obj=run, algorithm=run.algorithm, users=run.users, items=run.items,
                  seconds=float(run.seconds))
        older = TrainedModel.objects.filter(status=TrainingStatus.READY, pk__lt=run.pk).order_by("-pk")
        stale = [m.pk for m in older[KEEP_MODELS - 1:]]
        TrainedModel.objects.filter(pk__in=stale).delete()
        TrainedModel.objects.filter(status=TrainingStatus.FAILED, pk__lt=run.pk).delete()
        # serving caches the run's lists per run id, which a new run never shares in production; but SQLite hands an
        # id out again after a rolled-back insert (every test), so the process that trains forgets the old ones
        selectors.run_lists.clear()
    except Exception as exc:
        TrainedModel.objects.filter(pk=run.pk).update(status=TrainingStatus.FAILED, error=repr(exc)[:2000],
                                                      finished_at=timezone.now())
        logger.exception("recommendation training failed (run %s)", run.pk)
        raise
    logger.info("recommendation model %s trained: %s users, %s items, %s interactions, %.2f s", run.pk, run.users,
                run.items, run.interactions, run.seconds)
    return run


def _store(run: TrainedModel, result: training.TrainingResult) -> None:
    UserRecommendation.objects.bulk_create(
        (UserRecommendation(model=run, user_id=u, items=items) for u, items in result.user_lists.items()),
        batch_size=BULK)
    PopularList.objects.bulk_create(
        (PopularList(model=run, community_id=c, items=items) for c, items in result.popular.items()),
        batch_size=BULK)
    ItemNeighbours.objects.bulk_create(
        (ItemNeighbours(model=run, product_id=p, items=items) for p, items in result.neighbours.items()),
        batch_size=BULK)


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise errors.not_authenticated()


@transaction.atomic
def preference_set(*, user: Any, personalised: bool | None = None,
                   share_purchases: bool | None = None) -> MemberPreference:
    """Change a member's recommendation settings; a setting left None keeps its value. Takes effect on the next
    request (serving reads the row every time)."""
    _authed(user)
    pref, _ = MemberPreference.objects.get_or_create(user_id=user.pk)
    if personalised is not None:
        pref.personalised = bool(personalised)
    if share_purchases is not None:
        pref.share_purchases = bool(share_purchases)
    pref.save()
    track("recommend.preference_set", user=user, personalised=pref.personalised,
          share_purchases=pref.share_purchases)
    return pref


def _check_item(kind: str, item_id: int) -> None:
    if kind not in ItemKind.values:
        raise errors.invalid_item_kind(kind)
    if kind == ItemKind.PRODUCT:
        try:
            exists = product_get(product_id=item_id) is not None
        except DomainError:
            exists = False
    else:
        exists = post_find(post_id=item_id, published_only=True) is not None
    if not exists:
        raise errors.item_not_found()


@transaction.atomic
def item_hide(*, user: Any, kind: str, item_id: int) -> HiddenItem:
    """不感兴趣: the item never appears in the member's lists again (until they take it back). Safe to repeat."""
    _authed(user)
    if kind not in ItemKind.values:
        raise errors.invalid_item_kind(kind)
    hidden = HiddenItem.objects.filter(user_id=user.pk, item_kind=kind, item_id=item_id).first()
    if hidden is not None:
        return hidden
    _check_item(kind, item_id)
    hidden = HiddenItem.objects.create(user_id=user.pk, item_kind=kind, item_id=item_id)
    track("recommend.hide", user=user, item_kind=kind, item_id=item_id)
    return hidden


@transaction.atomic
def item_unhide(*, user: Any, kind: str, item_id: int) -> bool:
    """Take a 不感兴趣 back; False when there was none."""
    _authed(user)
    if kind not in ItemKind.values:
        raise errors.invalid_item_kind(kind)
    removed, _ = HiddenItem.objects.filter(user_id=user.pk, item_kind=kind, item_id=item_id).delete()
    if removed:
        track("recommend.unhide", user=user, item_kind=kind, item_id=item_id)
    return bool(removed)
