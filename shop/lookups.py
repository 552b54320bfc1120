"""Integer `in` lookups that ignore values beyond the column's range.

Django 5 answers `exact`, `gt`, `gte`, `lt` and `lte` on an integer column with
an out-of-range value as matching no row (django/db/models/lookups.py,
IntegerFieldOverflow), but not `in`: on SQLite the query raised OverflowError.
Every form with several ids to choose (ModelMultipleChoiceField, Oscar's bulk
actions, the admins) runs one, so a posted id such as 99999999999999999999 was
a 500 instead of "not a valid choice".
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register():
    IntegerField.register_lookup(IntegerFieldIn)
