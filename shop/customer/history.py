"""Overrides oscar.apps.customer.history: the recently viewed cookie comes from
the browser, so only plausible product ids leave it. Oscar's reader passed
anything JSON holds ("x", 1e99) to a query, and the product page answered 500.
"""

from oscar.apps.customer import history

# Product ids are 32-bit integers in PostgreSQL (Oscar's AutoField).
LARGEST_ID = 2**31 - 1


class CustomerHistoryManager(history.CustomerHistoryManager):
    @classmethod
    def extract(cls, request, response=None):
        return [
            pk
            for pk in super().extract(request, response)
            if type(pk) is int and 0 < pk <= LARGEST_ID
        ]
