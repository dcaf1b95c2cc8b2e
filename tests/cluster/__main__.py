"""``python -m tests.cluster`` (``make cluster``): the cluster in the foreground until Ctrl-C."""

import signal

from tests.cluster.cluster import _interrupt, main

signal.signal(signal.SIGTERM, _interrupt)
main()
