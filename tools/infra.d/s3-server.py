"""The S3-compatible server of tools/infra: moto's S3 backend on 127.0.0.1, in memory.

Usage (by tools/infra only): python s3-server.py -Dcontinuum.infra=s3@<checkout> <host> <port>
The first argument is tools/infra's process marker (ignored here, read from /proc by tools/infra).

Requests are served one at a time: moto 5.2.1's threaded server answers 500 when two PUTs of the
same key overlap (one closes the temporary file the other still reads). Amazon S3 and MinIO have
no such race, and the artifact-store contract tests concurrent writers of one key; serialising
the fake keeps that test about the store rather than about moto's threading.
"""

import signal
import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    _marker, host, port = sys.argv[1:4]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, int(port), app, threaded=False, use_reloader=False)


if __name__ == "__main__":
    main()
