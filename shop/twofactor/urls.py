from django.urls import path

from shop.twofactor import views

app_name = "twofactor"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
]
