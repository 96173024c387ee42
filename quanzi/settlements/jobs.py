"""Settlement jobs (huey). Idempotent: safe to run twice.

- `generate_last_month`: on the 1st to 3rd of each month (01:05 UTC = 09:05 Shanghai, so the Shanghai month has
  already turned), build every merchant's statement for the month before. Drafts are rebuilt with the same
  numbers (a closed month's sales and refunds no longer change); confirmed statements are left untouched. The
  extra days cover a worker that was down on the 1st.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quanzi.core.timeutil import local_today
from quanzi.settlements import services
from quanzi.settlements.periods import Period


@db_periodic_task(crontab(day="1-3", hour="1", minute="5"))
def generate_last_month() -> int:
    return len(services.statements_generate(period=Period.month_before(local_today())))
