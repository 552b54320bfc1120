"""The store's orders, its click & collect queue and its shelf stock."""

urlpatterns = []
sections = []
