"""gunicorn settings for the load test (make load): 2 workers on loopback only.

Run with `--no-control-socket` (gunicorn 25.1+ opens one by default). DEBUG is
switched off in each worker once Django has loaded, so that neither the query log nor
template debugging costs time, while the cookies stay usable over plain HTTP on
127.0.0.1 (with DJANGO_DEBUG=false they would be Secure and __Host- prefixed).
"""

import os

bind = f"127.0.0.1:{os.environ.get('BENCH_PORT', '8010')}"
workers = int(os.environ.get("BENCH_WORKERS", "2"))
worker_class = "sync"
timeout = 60
accesslog = None
errorlog = "-"
loglevel = "warning"


def post_worker_init(worker):
    from django.conf import settings

    settings.DEBUG = False
