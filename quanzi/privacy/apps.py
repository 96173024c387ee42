from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "quanzi.privacy"
    label = "privacy"
    verbose_name = _("隐私与合规")

    def ready(self) -> None:
        from quanzi.core import personal_data
        from quanzi.privacy import (
            jobs,  # noqa: F401  (registers the daily deletion and retention run with huey)
            selectors,
            services,
        )

        # lower apps ask core whether a member allows a purpose; the answer is privacy's records
        personal_data.set_consent_lookup(lambda user_id, purpose: selectors.consent_granted(
            user_id=user_id, purpose=purpose))
        personal_data.set_withdrawn_lookup(lambda purpose, user_ids: selectors.consent_withdrawn_among(
            purpose=purpose, user_ids=user_ids))
        # accounts asks before storing a persona field: sensitive fields need their separate consent
        personal_data.persona_check_register("privacy.sensitive", services.persona_field_check)
