"""Review writes: the buyer reviews each delivered order line once (rating, text, up to 6 photos); operators fold
and unfold reviews with a reason — a review is never deleted, every decision is logged."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.aftersales import errors, selectors
from quanzi.aftersales.enums import ModerationAction, ReviewStatus
from quanzi.aftersales.errors import ErrorCode
from quanzi.aftersales.hooks import review_with_photos
from quanzi.aftersales.locks import lock_review
from quanzi.aftersales.models import Review, ReviewModeration, ReviewPhoto
from quanzi.aftersales.services._photos import save_photos
from quanzi.core.errors import InvalidInput, NotAuthenticated
from quanzi.core.events import track
from quanzi.core.messages import Text, message_columns
from quanzi.orders import selectors as order_selectors


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def _operator(user: Any) -> None:
    _authed(user)
    if not user.is_staff:
        raise errors.not_operator()


def _save_photos(review: Review, photos: list[Any]) -> None:
    save_photos(existing=review.photos.count(), photos=photos,
                create=lambda upload: ReviewPhoto.objects.create(review=review, image=upload))


@transaction.atomic
def review_create(*, user: Any, order_line_id: int, rating: int, text: str = "",
                  photos: list[Any] | None = None) -> Review:
    """Review one line of a delivered order (confirmed, auto-confirmed or completed). Once per line."""
    _authed(user)
    line = order_selectors.order_id_of_line(order_line_id=order_line_id)
    if line is None:
        raise errors.review_not_allowed()
    order = order_selectors.order_get_for_buyer(user=user, order_id=line)  # someone else's order: 404
    if not selectors.order_reviewable(order):
        raise errors.review_not_allowed()
    order_line = next(ln for ln in order.lines.all() if ln.pk == order_line_id)
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise errors.invalid_rating()
    text = (text or "").strip()
    if len(text) > 1000:
        raise InvalidInput(ErrorCode.INVALID_REVIEW_TEXT, _("评价内容最多 1000 字"))
    if Review.objects.filter(order_line_id=order_line_id).exists():
        raise errors.already_reviewed()
    try:
        with transaction.atomic():
            review = Review.objects.create(
                order_line_id=order_line_id, order=order, product_id=order_line.product_id, buyer=user,
                rating=rating, text=text,
                spec_text=" ".join(f"{k}:{v}" for k, v in (order_line.spec or {}).items())[:200])
    except IntegrityError as exc:  # a concurrent submit of the same line
        raise errors.already_reviewed() from exc
    _save_photos(review, list(photos or []))
    track("review.create", user=user, obj=review, product_id=order_line.product_id, rating=rating)
    if photos:
        review_with_photos(user_id=user.pk, review_id=review.pk)
    return review


@transaction.atomic
def review_photos_add(*, user: Any, review_id: int, photos: list[Any]) -> Review:
    _authed(user)
    review = lock_review(review_id, buyer_id=user.pk)
    if review is None:
        raise errors.review_not_found()
    if not photos:
        raise InvalidInput(ErrorCode.NO_PHOTOS, _("请选择图片"))
    _save_photos(review, list(photos))
    track("review.photos", user=user, obj=review, count=len(photos))
    review_with_photos(user_id=user.pk, review_id=review.pk)
    return review


def _moderate(*, actor: Any, review_id: int, to: str, action: str, reason: Text) -> Review:
    """`reason`: what the operator typed, or one of our messages (the back office's actions), which every reader
    of the product page sees in their own language."""
    _operator(actor)
    if isinstance(reason, str):
        reason = reason.strip()
        if action == ModerationAction.FOLD and not 1 <= len(reason) <= 200:
            raise errors.fold_reason_required()
    review = lock_review(review_id)
    if review is None:
        raise errors.review_not_found()
    if review.status == to:
        return review  # folding a folded review changes nothing
    fields: dict[str, Any] = {"status": to}
    if to == ReviewStatus.FOLDED:
        fields.update(folded_at=timezone.now(),
                      **message_columns(reason, model=Review, text="fold_reason", prefix="fold_"))
    else:
        fields.update(folded_at=None, **message_columns("", model=Review, text="fold_reason", prefix="fold_"))
    Review.objects.filter(pk=review.pk).update(**fields)
    ReviewModeration.objects.create(review=review, action=action, actor=actor,
                                    **message_columns(reason, model=ReviewModeration, text="reason"))
    review.refresh_from_db()
    track(f"review.{action}", user=actor, obj=review, product_id=review.product_id)
    return review


@transaction.atomic
def review_fold(*, actor: Any, review_id: int, reason: Text) -> Review:
    """Fold a review (operators): it stays listed as folded and leaves the average."""
    return _moderate(actor=actor, review_id=review_id, to=ReviewStatus.FOLDED, action=ModerationAction.FOLD,
                     reason=reason)


@transaction.atomic
def review_unfold(*, actor: Any, review_id: int, reason: Text = "") -> Review:
    return _moderate(actor=actor, review_id=review_id, to=ReviewStatus.VISIBLE, action=ModerationAction.UNFOLD,
                     reason=reason)
