"""Returns at the counter: lines of an earlier order back on the shelf, money back."""

urlpatterns = []
sections = []
