"""Test helpers for addons (modules.md §14): ``from bureau.tests import TransactionCase, tagged``.

Tests live in ``<addon>/tests/test_*.py``; ``bureau test -d DB`` runs them, and pytest collects them
too (the plugin ``bureau.tests.pytest_plugin`` gives them a database with the addons installed).
"""
from .common import BaseCase as BaseCase
from .common import SingleTransactionCase as SingleTransactionCase
from .common import TransactionCase as TransactionCase
from .common import new_test_user as new_test_user
from .common import tagged as tagged
from .form import Form as Form
