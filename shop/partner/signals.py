"""Signals of the partner app."""

from django.dispatch import Signal

# Sent after stock was allocated for several stock records in one statement,
# instead of one post_save per record; args: stockrecords (list of StockRecord).
stock_allocated = Signal()
