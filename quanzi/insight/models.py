"""Export watermarks: how far each lake table's export has got (insight/export.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportWatermark(models.Model):
    """One row per lake table. `last_id` (append-only tables) or (`last_stamp`, `last_id`) (tables whose rows
    change) is the last row written to Parquet; the next run starts after it. Moved forward only after the batch's
    files are on disk, so a crash between the two repeats the batch, which overwrites its own files."""

    table = models.CharField(_("表"), max_length=32, unique=True)
    last_id = models.BigIntegerField(_("最后ID"), default=0)
    last_stamp = models.DateTimeField(_("最后变更时间"), null=True, blank=True)
    rows_exported = models.BigIntegerField(_("已导出行数"), default=0)
    last_run_at = models.DateTimeField(_("最近导出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出水位")
        verbose_name_plural = _("导出水位")

    def __str__(self) -> str:
        return self.table
