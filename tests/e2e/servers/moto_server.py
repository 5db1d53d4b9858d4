"""moto's S3 (and IAM) server with authentication on, logging each request.

    python moto_server.py PORT LOG

Request signatures are checked (INITIAL_NO_AUTH_ACTION_COUNT, set by
moto.sh, lets only the set-up calls through unsigned). LOG gets one line a
request: <time> key=<access key id or -> <status> <method> <path>. The key
id names a credential without being one; the secret key is never logged.
"""

import re
import sys
import time

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

port, log_path = int(sys.argv[1]), sys.argv[2]
log = open(log_path, "a", buffering=1)
app = DomainDispatcherApplication(create_backend_app)


def logged(environ, start_response):
    found = re.search(r"Credential=([A-Za-z0-9]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    key = found.group(1) if found else "-"

    def respond(status, headers, exc_info=None):
        log.write(f"{time.time():.3f} key={key} {status.split()[0]} "
                  f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}\n")
        return start_response(status, headers, exc_info)

    return app(environ, respond)


run_simple("127.0.0.1", port, logged, threaded=True)
