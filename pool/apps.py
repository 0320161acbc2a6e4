from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PoolConfig(AppConfig):
    name = "pool"
    verbose_name = _("Pool")

    def ready(self) -> None:
        # Permissions exist only after migrate, so the groups are set up after each migrate.
        post_migrate.connect(groups_ensure_after_migrate, sender=self)


def groups_ensure_after_migrate(sender, **kwargs) -> None:
    from pool.services import groups_ensure

    groups_ensure()
