import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanzi.settings")
application = get_wsgi_application()

# a serving process loads the search dictionary at start, not on its first search (quanzi/core/search.py)
from quanzi.core.search import warm_up  # noqa: E402  (needs the settings configured above)

warm_up()
