"""WSGI entry point (gunicorn reviews_project.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviews_project.settings")

application = get_wsgi_application()

# What is loaded by now (Django, the apps and their modules, about 185,000 objects)
# lives as long as the worker: freeze it out of the garbage collector's full
# collections, which otherwise walk all of it (about 100 ms, every twenty or so
# requests).
gc.freeze()
