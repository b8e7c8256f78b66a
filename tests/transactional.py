"""Helpers of the tests that commit for real (`django_db(transaction=True)`): threads that
start together, like two workers or two requests, and the reference data to put back."""

import importlib
import threading

from django.apps import apps
from django.db import connections


def restore_reference_data() -> None:
    """Put back the territory and vocabularies of the data migration: a transactional
    test empties every table when it ends, for the ones that follow."""
    migration = importlib.import_module("members.migrations.0002_territory_and_vocabularies")
    migration.load(apps, None)


def run_together(*functions, timeout: float = 30) -> list:
    """Call each function in its own thread, all released at once; return their results
    in order. An exception in a thread fails the caller."""
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)
    errors: list[BaseException] = []

    def run(index, function):
        try:
            barrier.wait(timeout=timeout)
            results[index] = function()
        except BaseException as error:  # handed to the test, below
            errors.append(error)
        finally:
            connections.close_all()  # the thread's own connections, not the test's

    threads = [
        threading.Thread(target=run, args=(index, function), daemon=True)
        for index, function in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is still running"
    if errors:
        raise errors[0]
    return results
