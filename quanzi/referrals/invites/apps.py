from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitesConfig(AppConfig):
    name = "quanzi.referrals.invites"
    label = "referrals_invites"
    verbose_name = _("邀请与推荐关系")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app): the sign-up (a typed code is
        checked before the account exists; the member is bound after), the order moments of the invitee's first
        order (qualify when paid, reward when completed, void when refunded in full before that), who owns a
        product invite link's token (the order credit), the product page's invite panel, and how a reward is named in a notification."""
        from quanzi.accounts import hooks as account_hooks
        from quanzi.catalog import hooks as catalog_hooks
        from quanzi.core.messages import converter
        from quanzi.orders import hooks
        from quanzi.referrals.invites import display, panels, selectors, services, session

        account_hooks.signup_check("invites", session.check_signup)
        account_hooks.on_signed_up("invites", session.bind_on_signup)
        hooks.on_paid("invites.first_order", services.outcome_on_paid)
        hooks.on_completed("invites.first_order", services.outcome_on_completed)
        hooks.on_refunded("invites.first_order", services.outcome_on_refunded)
        hooks.share_token_owner("invites", selectors.share_owners)
        catalog_hooks.product_panel("invites", panels.product_panel)
        converter("invite_reward", display.reward_text)
