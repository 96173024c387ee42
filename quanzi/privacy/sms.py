"""The SMS channel, moved down to `quanzi.core.sms` so notify (below privacy) sends notices through the same
backend. Re-exported here: privacy's code, its tests and a setting naming `quanzi.privacy.sms.ConsoleSmsBackend`
keep working."""

from quanzi.core.sms import OUTBOX, ConsoleSmsBackend, SentSms, SmsBackend, backend

__all__ = ["OUTBOX", "ConsoleSmsBackend", "SentSms", "SmsBackend", "backend"]
