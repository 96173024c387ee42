"""gunicorn configuration for the kill -9 fault test (`-c` this file): each worker, once started, adds a checkout
hook that — while the file named by QUANZI_FAULT_ARM exists — takes that file (only one request gets it), writes
its process id to QUANZI_FAULT_READY and sleeps. The hook runs inside the checkout's transaction after the stock
has been reserved and the orders written, before the commit: the moment the test kills the worker with SIGKILL.
Nothing in the application knows about it: the hook is registered through the orders plug-in registry."""

from __future__ import annotations

import os
import time
from typing import Any


def _block_once(_context: Any) -> None:
    arm = os.environ["QUANZI_FAULT_ARM"]
    try:
        os.unlink(arm)  # atomic: of two requests racing here only one takes it
    except FileNotFoundError:
        return
    ready = os.environ["QUANZI_FAULT_READY"]
    with open(ready + ".tmp", "w") as fh:
        fh.write(str(os.getpid()))
    os.replace(ready + ".tmp", ready)
    time.sleep(120)  # the test kills us long before


def post_worker_init(worker: Any) -> None:
    from quanzi.orders import hooks

    hooks.on_checkout("zzz_fault_block", _block_once)  # sorted last: after every real plug-in's hook
