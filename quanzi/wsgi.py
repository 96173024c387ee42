import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanzi.settings")
application = get_wsgi_application()

# the flash sale's buy endpoint is answered in front of the middleware when Redis gates the sale (its docstring says
# why and what still goes on to Django)
from quanzi.growth.flashsale.edge import FlashSaleEdge  # noqa: E402  (needs the settings configured above)

application = FlashSaleEdge(application)  # type: ignore[assignment]

# a serving process loads the search dictionary at start, not on its first search (quanzi/core/search.py)
from quanzi.core.search import warm_up  # noqa: E402  (needs the settings configured above)

warm_up()
