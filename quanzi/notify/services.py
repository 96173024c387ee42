"""Notify's writes: a member's settings, what happens when they are told something (accounts' notification hooks),
the real-time push to their open pages, and the delivery of a notice on an external channel.

Every notice in quanzi is written through `accounts.services.notification_create`; notify registers on it
(`accounts.hooks.notification_gate` / `on_notification`, in `NotifyConfig.ready()`), so the settings hold for
every sender without any of them knowing notify."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from quanzi.accounts.selectors import unread_notification_count, user_get
from quanzi.core.events import track
from quanzi.core.messages import Message, message_columns, shown
from quanzi.core.realtime import group_send
from quanzi.notify import backends, errors
from quanzi.notify.enums import EXTERNAL_CHANNELS, Channel, DeliveryStatus, KindGroup
from quanzi.notify.errors import ErrorCode
from quanzi.notify.kinds import default_enabled, group_of
from quanzi.notify.models import Delivery, Preference, Reminder
from quanzi.wxlogin import conf as wx_conf
from quanzi.wxlogin.selectors import openid_for

if TYPE_CHECKING:
    from quanzi.accounts.models import Notification

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CLAIM_SECONDS = 300  # a send taking longer than this is taken to have died; the retry job may claim it again


def user_group(user_id: int) -> str:
    """The channel-layer group of one member's open pages."""
    return f"notify.user.{user_id}"


# --- settings ------------------------------------------------------------------------------------------------------


def enabled_channels(*, user_id: int, kind: str) -> set[str]:
    """The channels a notice of `kind` reaches `user_id` on: their choices for its group over the defaults."""
    group = group_of(kind)
    chosen = dict(Preference.objects.filter(user_id=user_id, group=group).values_list("channel", "enabled"))
    return {c for c in Channel.values if chosen.get(c, default_enabled(group, c))}


@transaction.atomic
def preference_set(*, user: Any, group: str, channel: str, enabled: bool) -> Preference:
    if group not in KindGroup.values:
        raise errors.invalid(ErrorCode.UNKNOWN_GROUP, _("未知的通知类别"))
    if channel not in Channel.values:
        raise errors.invalid(ErrorCode.UNKNOWN_CHANNEL, _("未知的通知渠道"))
    row, _created = Preference.objects.update_or_create(user=user, group=group, channel=channel,
                                                        defaults={"enabled": bool(enabled)})
    track("notify.preference_set", user=user, group=group, channel=channel, enabled=bool(enabled))
    return row


@transaction.atomic
def preferences_save(*, user: Any, enabled: set[tuple[str, str]]) -> int:
    """The settings page's form: every (group, channel) pair in `enabled` on, every other one off."""
    for pair in enabled:
        if pair[0] not in KindGroup.values or pair[1] not in Channel.values:
            raise errors.invalid(ErrorCode.UNKNOWN_GROUP, _("未知的通知类别"))
    changed = 0
    current = {(p.group, p.channel): p.enabled for p in Preference.objects.filter(user=user)}
    for group in KindGroup.values:
        for channel in Channel.values:
            want = (group, channel) in enabled
            if current.get((group, channel), default_enabled(group, channel)) != want:
                changed += 1
            if (group, channel) in current or want != default_enabled(group, channel):
                Preference.objects.update_or_create(user=user, group=group, channel=channel,
                                                    defaults={"enabled": want})
    if changed:
        track("notify.preferences_saved", user=user, changed=changed)
    return changed


# --- accounts' hooks: every notice passes here -----------------------------------------------------------------------


def inbox_wanted(recipient_id: int, kind: str) -> bool:
    """accounts' gate: does a notice of `kind` go into the member's inbox?"""
    return Channel.IN_APP in enabled_channels(user_id=recipient_id, kind=kind)


def notice_sent(recipient_id: int, kind: str, message: Message, url: str, notification: Notification | None) -> None:
    """accounts' hook, in the sender's transaction: after the commit, push the inbox row to the member's open pages;
    write one delivery per external channel the member has on, each sent by a job after the commit."""
    if notification is not None:
        notice = {"id": notification.pk, "kind": kind, "url": url, "text": notification.text,
                  "message_id": notification.message_id, "params": notification.params,
                  "created_at": timezone.now().isoformat()}
        transaction.on_commit(partial(push_notice, recipient_id, notice))
    channels = enabled_channels(user_id=recipient_id, kind=kind) & set(EXTERNAL_CHANNELS)
    if not channels:
        return
    key = f"n{notification.pk}" if notification is not None else f"x{secrets.token_hex(8)}"
    columns = message_columns(message, model=Delivery, text="text")
    for channel in sorted(channels):
        row = Delivery.objects.create(notice_key=key, notification=notification, recipient_id=recipient_id,
                                      kind=kind, channel=channel, url=url, **columns)
        transaction.on_commit(partial(_queue_delivery, row.pk))


def _queue_delivery(delivery_id: int) -> None:
    """Hand the delivery to the job queue (the job module is imported lazily: jobs call services, never the other
    way round at import time). A queue that is down leaves it pending: `deliveries_retry` picks it up."""
    from quanzi.notify import jobs

    try:
        jobs.delivery_send_task(delivery_id)
    except Exception:
        log.exception("could not queue notice delivery %s", delivery_id)


def push_notice(user_id: int, notice: dict[str, Any]) -> None:
    """Send one inbox row and the member's unread count to their open pages. Runs after the commit; a channel
    layer that is down is logged and changes nothing (the inbox has the row; the next page load shows it)."""
    try:
        user = user_get(user_id=user_id)
        if user is None:
            return
        notice = {**notice, "unread": unread_notification_count(user=user)}
        group_send(user_group(user_id), {"type": "notify.notice", "notice": notice})
    except Exception:
        log.warning("real-time push to user %s failed", user_id, exc_info=True)


def notice_text(notice: dict[str, Any], language: str) -> str:
    """A pushed notice's text in the reader's language (the consumer knows it from the connection)."""
    with translation.override(language):
        return shown(str(notice.get("text", "")), str(notice.get("message_id", "")), notice.get("params") or {})


# --- external channels ---------------------------------------------------------------------------------------------


def _address(channel: str, user: Any) -> str:
    if channel == Channel.SMS:
        return str(user.phone or "")
    if channel == Channel.EMAIL:
        return str(user.email or "")
    if channel == Channel.WECHAT:
        app = wx_conf.mini_app()
        return (openid_for(user_id=user.pk, appid=app.appid) or "") if app is not None else ""
    return ""


def _absolute(url: str) -> str:
    base = str(backends.notify_settings().get("SITE_URL", "")).rstrip("/")
    return f"{base}{url}" if base and url.startswith("/") else url


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery on its channel. Idempotent: the row is claimed by a conditional update (pending or failed,
    not claimed in the last CLAIM_SECONDS), so two runs never both send it, and a sent one is never sent again.
    Raises on a failure worth retrying (the job retries); returns the status otherwise."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - dt.timedelta(seconds=CLAIM_SECONDS)),
        pk=delivery_id, status__in=(DeliveryStatus.PENDING, DeliveryStatus.FAILED), attempts__lt=MAX_ATTEMPTS,
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    row = Delivery.objects.filter(pk=delivery_id).first()
    if row is None:
        return "missing"
    if not claimed:
        return str(row.status)
    user = user_get(user_id=row.recipient_id)
    address = _address(row.channel, user) if user is not None else ""
    if not address:
        return _finish(row, DeliveryStatus.SKIPPED, _("没有该渠道的联系方式"))
    with translation.override(settings.LANGUAGE_CODE):
        text = row.display_text
    out = backends.Outgoing(delivery_id=row.pk, channel=row.channel, kind=row.kind, group=group_of(row.kind),
                            address=address, text=text, url=_absolute(row.url), params=dict(row.params))
    try:
        backends.backend(row.channel).send(out)
    except backends.Undeliverable as exc:
        return _finish(row, DeliveryStatus.SKIPPED, str(exc))
    except Exception as exc:
        _finish(row, DeliveryStatus.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    return _finish(row, DeliveryStatus.SENT, "")


def _finish(row: Delivery, status: str, error: str) -> str:
    Delivery.objects.filter(pk=row.pk).update(
        status=status, last_error=error[:200], claimed_at=None,
        sent_at=timezone.now() if status == DeliveryStatus.SENT else None)
    return status


# --- reminders: notices about a time, sent once per thing --------------------------------------------------------------


def reminder_once(*, key: str) -> bool:
    """True the first time `key` is seen (then never again): a reminder job run twice tells nobody twice."""
    _row, created = Reminder.objects.get_or_create(key=key)
    return created
