from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "quanzi.loyalty.tasks"
    label = "loyalty_tasks"
    verbose_name = _("任务、签到奖励与徽章")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app): the facts tasks count come from
        accounts (profile), communities (joins), content (check-ins, posts, answers), orders (paid) and after-sales
        (reviews with photos); panels on the community page (check-in rewards) and the profile (badges), and
        badges next to names. See `plugins.py`."""
        from quanzi.loyalty.tasks import plugins

        plugins.register()
