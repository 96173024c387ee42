from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "quanzi.content"
    label = "content"
    verbose_name = _("内容")

    def ready(self) -> None:
        from quanzi.communities import hooks
        from quanzi.communities.enums import ReportTarget
        from quanzi.content import jobs  # noqa: F401  (registers the periodic jobs with huey)
        from quanzi.content.selectors import (
            comment_in_community,
            comment_links,
            post_in_community,
            post_links,
        )

        # Posts and comments can be reported to a community's moderators (communities does not import content).
        hooks.report_target(ReportTarget.POST, post_in_community, post_links)
        hooks.report_target(ReportTarget.COMMENT, comment_in_community, comment_links)
