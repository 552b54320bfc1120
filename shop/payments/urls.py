from django.urls import path

from shop.payments import dashboard

app_name = "payments"

urlpatterns = [
    path(
        "orders/<str:number>/<slug:action>/",
        dashboard.order_payment_action,
        name="order-action",
    ),
]
