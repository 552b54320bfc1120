"""The counter: one sale at a time, product lookup, lines, customer, payment."""

urlpatterns = []
sections = []
