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
        _forget_cached_pages_on_write()


def _forget_cached_pages_on_write() -> None:
    """Visitors' cached feed pages (core.pagecache) show posts, their counters, polls, events, authors' names and
    avatars and communities' names: any write to those forgets them. Writes by `.update()` call
    `pagecache.changed()` themselves (services)."""
    from django.db.models.signals import post_delete, post_save

    from quanzi.content import models
    from quanzi.core import pagecache

    # the authors' and communities' models, through the post's own foreign keys (content does not import them)
    User = models.Post._meta.get_field("author").related_model  # noqa: N806
    Community = models.Post._meta.get_field("community").related_model  # noqa: N806

    def forget(sender: object, **kwargs: object) -> None:
        pagecache.changed()

    def forget_user(sender: object, update_fields: object = None, **kwargs: object) -> None:
        if update_fields is None or {"nickname", "avatar", "is_active"} & set(update_fields):  # type: ignore[call-overload]
            pagecache.changed()  # not on a login (last_login only)

    for model in (models.Post, models.PostImage, models.Poll, models.PollOption, models.PollVote, models.Comment,
                  models.Reaction, models.Share, models.OfflineEvent, models.EventSignup, Community):
        post_save.connect(forget, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}", weak=False)
        post_delete.connect(forget, sender=model, dispatch_uid=f"pagecache-delete-{model.__name__}", weak=False)
    post_save.connect(forget_user, sender=User, dispatch_uid="pagecache-save-User", weak=False)
    post_delete.connect(forget, sender=User, dispatch_uid="pagecache-delete-User", weak=False)
