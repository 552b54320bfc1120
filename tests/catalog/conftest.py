import pytest
from django.utils import translation


@pytest.fixture
def english():
    """Reverse /en/ URLs so the texts asserted are the English source strings."""
    with translation.override("en"):
        yield
