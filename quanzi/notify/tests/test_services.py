"""Settings respected by every sender, deliveries on the external channels (console backend), idempotent per
(notice, channel), the push after the commit that never breaks the sender."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from conftest import make_user
from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.models import Notification
from quanzi.accounts.services import follow, notification_create
from quanzi.core.errors import InvalidInput
from quanzi.core.messages import msg
from quanzi.notify import backends, jobs, selectors, services
from quanzi.notify.enums import Channel, DeliveryStatus, KindGroup
from quanzi.notify.models import Delivery, Preference

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_outbox() -> None:
    backends.OUTBOX.clear()


def _order_notice(user: Any) -> Notification | None:
    return notification_create(recipient=user, kind=NotificationKind.ORDER, url="/orders/1/",
                               message=msg("notify.order_delivered", n="Q123"))


def test_defaults_inbox_everything_and_wechat_for_orders() -> None:
    user = make_user("买家")
    assert services.enabled_channels(user_id=user.pk, kind=NotificationKind.ORDER) == {Channel.IN_APP,
                                                                                        Channel.WECHAT}
    assert services.enabled_channels(user_id=user.pk, kind=NotificationKind.LIKE) == {Channel.IN_APP}
    row = _order_notice(user)
    assert row is not None
    assert [(d.channel, d.notice_key) for d in Delivery.objects.all()] == [(Channel.WECHAT, f"n{row.pk}")]


def test_inbox_off_means_no_row_from_any_sender() -> None:
    fan, idol = make_user("粉丝"), make_user("博主")
    services.preference_set(user=idol, group=KindGroup.INTERACTION, channel=Channel.IN_APP, enabled=False)
    follow(follower=fan, followee_id=idol.pk)  # accounts' own sender goes through the same gate
    assert not Notification.objects.filter(recipient=idol).exists()
    # another group is untouched
    assert _order_notice(idol) is not None


def test_sms_on_sends_through_console_backend_off_sends_nothing(django_capture_on_commit_callbacks: Any) -> None:
    user = make_user("短信")
    services.preference_set(user=user, group=KindGroup.TRADE, channel=Channel.SMS, enabled=True)
    services.preference_set(user=user, group=KindGroup.TRADE, channel=Channel.WECHAT, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        _order_notice(user)
    sent = [o for o in backends.OUTBOX if o.channel == Channel.SMS]
    assert len(sent) == 1 and sent[0].address == user.phone and "Q123" in sent[0].text
    assert not [o for o in backends.OUTBOX if o.channel == Channel.WECHAT]
    assert Delivery.objects.get(channel=Channel.SMS).status == DeliveryStatus.SENT

    backends.OUTBOX.clear()
    services.preference_set(user=user, group=KindGroup.TRADE, channel=Channel.SMS, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        _order_notice(user)
    assert backends.OUTBOX == []
    assert Delivery.objects.filter(channel=Channel.SMS).count() == 1  # only the first notice's


def test_external_channel_goes_out_even_with_inbox_off(django_capture_on_commit_callbacks: Any) -> None:
    user = make_user("只要邮件")
    user.email = "buyer@example.com"
    user.save(update_fields=["email"])
    services.preference_set(user=user, group=KindGroup.TRADE, channel=Channel.IN_APP, enabled=False)
    services.preference_set(user=user, group=KindGroup.TRADE, channel=Channel.EMAIL, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert _order_notice(user) is None
    row = Delivery.objects.get(channel=Channel.EMAIL)
    assert row.notification_id is None and row.notice_key.startswith("x") and row.status == DeliveryStatus.SENT
    assert [o.address for o in backends.OUTBOX if o.channel == Channel.EMAIL] == ["buyer@example.com"]


def test_no_address_is_skipped_not_retried(django_capture_on_commit_callbacks: Any) -> None:
    user = make_user("没有微信")
    with django_capture_on_commit_callbacks(execute=True):
        _order_notice(user)
    row = Delivery.objects.get(channel=Channel.WECHAT)
    assert row.status == DeliveryStatus.SKIPPED and row.attempts == 1
    assert selectors.deliveries_due() == []


def test_delivery_is_sent_once_however_often_the_job_runs(django_capture_on_commit_callbacks: Any) -> None:
    user = make_user("一次")
    services.preference_set(user=user, group=KindGroup.TRADE, channel=Channel.SMS, enabled=True)
    with django_capture_on_commit_callbacks(execute=False):
        _order_notice(user)
    row = Delivery.objects.get(channel=Channel.SMS)
    assert jobs.delivery_send_task.call_local(row.pk) == DeliveryStatus.SENT
    assert jobs.delivery_send_task.call_local(row.pk) == DeliveryStatus.SENT
    assert services.delivery_send(delivery_id=row.pk) == DeliveryStatus.SENT
    assert jobs.deliveries_retry.call_local() == 0
    assert len([o for o in backends.OUTBOX if o.channel == Channel.SMS]) == 1
    row.refresh_from_db()
    assert row.attempts == 1 and row.sent_at is not None


class _Flaky:
    calls = 0

    def send(self, out: backends.Outgoing) -> None:
        _Flaky.calls += 1
        if _Flaky.calls == 1:
            raise ConnectionError("provider down")
        backends.OUTBOX.append(out)


def test_failure_is_retried_then_sent_once(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.QUANZI_NOTIFY = {"BACKENDS": {"sms": "quanzi.notify.tests.test_services._Flaky"}}
    _Flaky.calls = 0
    user = make_user("重试")
    services.preference_set(user=user, group=KindGroup.TRADE, channel=Channel.SMS, enabled=True)
    with django_capture_on_commit_callbacks(execute=False):
        _order_notice(user)
    row = Delivery.objects.get(channel=Channel.SMS)
    with pytest.raises(ConnectionError):
        services.delivery_send(delivery_id=row.pk)
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and "provider down" in row.last_error
    assert selectors.deliveries_due() == [row.pk]
    assert jobs.deliveries_retry.call_local() == 1
    assert jobs.deliveries_retry.call_local() == 0
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.attempts == 2 and _Flaky.calls == 2


def test_a_claimed_delivery_is_not_sent_by_a_second_runner(django_capture_on_commit_callbacks: Any) -> None:
    """Two runners: the second finds the row claimed (another worker is sending it) and sends nothing."""
    user = make_user("并发")
    services.preference_set(user=user, group=KindGroup.TRADE, channel=Channel.SMS, enabled=True)
    with django_capture_on_commit_callbacks(execute=False):
        _order_notice(user)
    row = Delivery.objects.get(channel=Channel.SMS)
    from django.utils import timezone

    Delivery.objects.filter(pk=row.pk).update(claimed_at=timezone.now(), attempts=1)  # the first runner, mid-send
    assert services.delivery_send(delivery_id=row.pk) == DeliveryStatus.PENDING
    assert backends.OUTBOX == []


def test_email_adapter_uses_django_mail(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.QUANZI_NOTIFY = {"BACKENDS": {"email": "quanzi.notify.backends.EmailBackend"},
                              "SITE_URL": "https://quanzi.example"}
    user = make_user("邮件")
    user.email = "mail@example.com"
    user.save(update_fields=["email"])
    services.preference_set(user=user, group=KindGroup.TRADE, channel=Channel.EMAIL, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        _order_notice(user)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mail@example.com"]
    assert "Q123" in mail.outbox[0].body and "https://quanzi.example/orders/1/" in mail.outbox[0].body


def test_sms_adapter_goes_through_the_core_sms_channel(settings: Any,
                                                       django_capture_on_commit_callbacks: Any) -> None:
    from quanzi.core import sms

    settings.QUANZI_NOTIFY = {"BACKENDS": {"sms": "quanzi.notify.backends.SmsBackend"}}
    user = make_user("短信适配")
    services.preference_set(user=user, group=KindGroup.TRADE, channel=Channel.SMS, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        _order_notice(user)
    last = sms.OUTBOX[-1]
    assert last.phone == user.phone and last.template == "notice" and "Q123" in last.params["text"]


def test_push_happens_after_commit_and_a_broken_layer_does_not_break_the_sender(
        monkeypatch: Any, django_capture_on_commit_callbacks: Any) -> None:
    pushed: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(services, "group_send", lambda group, event: pushed.append((group, event)))
    user = make_user("推送")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = _order_notice(user)
    assert pushed == []  # nothing before the commit
    for cb in callbacks:
        cb()
    assert row is not None
    assert [g for g, _e in pushed] == [f"notify.user.{user.pk}"]
    notice = pushed[0][1]["notice"]
    assert notice["id"] == row.pk and notice["unread"] == 1 and notice["message_id"] == "notify.order_delivered"

    def down(group: str, event: dict[str, Any]) -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(services, "group_send", down)
    with django_capture_on_commit_callbacks(execute=True):
        assert _order_notice(user) is not None  # the sender saw nothing wrong
    assert Notification.objects.filter(recipient=user).count() == 2


def test_a_failing_notify_hook_never_breaks_the_sender(monkeypatch: Any) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("bug in a hook")

    from quanzi.accounts import hooks

    monkeypatch.setitem(hooks.NOTIFICATION_SENT, "notify", broken)
    user = make_user("坚固")
    assert _order_notice(user) is not None
    assert Notification.objects.filter(recipient=user).count() == 1


def test_settings_validation_changes_nothing() -> None:
    user = make_user("设置")
    with pytest.raises(InvalidInput) as exc:
        services.preference_set(user=user, group="nope", channel=Channel.SMS, enabled=True)
    assert exc.value.code == "unknown_group"
    with pytest.raises(InvalidInput) as exc:
        services.preference_set(user=user, group=KindGroup.TRADE, channel="pigeon", enabled=True)
    assert exc.value.code == "unknown_channel"
    with pytest.raises(InvalidInput):
        services.preferences_save(user=user, enabled={("trade", "pigeon")})
    assert not Preference.objects.exists()


def test_preferences_save_writes_only_choices() -> None:
    user = make_user("保存")
    everything_default = {(r.group, c) for r in selectors.preferences_of(user=user) for c, on in r.channels.items()
                          if on}
    assert services.preferences_save(user=user, enabled=everything_default) == 0
    assert not Preference.objects.exists()
    assert services.preferences_save(user=user, enabled=everything_default - {(KindGroup.LIVE, Channel.IN_APP)}) == 1
    rows = {(r.group): r.channels for r in selectors.preferences_of(user=user)}
    assert rows[KindGroup.LIVE][Channel.IN_APP] is False
    assert rows[KindGroup.TRADE][Channel.IN_APP] is True
