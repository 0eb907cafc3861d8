from django.urls import path

from reporting import views_dashboard as views

app_name = "dashboard"

urlpatterns = [
    path("", views.service_dashboard_view, name="service"),
    path("figures/", views.drilldown_view, name="drilldown"),
    path("download/", views.download_view, name="download"),
    path("mine/", views.iro_dashboard_view, name="iro"),
    path("annual-report/", views.annual_report_view, name="annual_report"),
    path("annual-report/pdf/", views.annual_report_pdf_view, name="annual_report_pdf"),
]
