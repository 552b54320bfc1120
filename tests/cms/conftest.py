import pytest

from tests.cms.builders import showcase_tree


@pytest.fixture
def showcase(db):
    return showcase_tree()
