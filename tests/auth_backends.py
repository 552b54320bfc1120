"""Authentication backends for the tests only."""

from axes.backends import AxesStandaloneBackend


class AxesBackendForTestClient(AxesStandaloneBackend):
    """Axes' lockout check, skipped for Django's test client `login()`.

    The test client authenticates without a request, which axes refuses;
    production keeps axes' own backend, so a view that forgot the request
    would fail loudly there. Sign-ins through the pages are still counted.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
