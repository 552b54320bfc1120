default_app_config = "shop.dashboard.catalogue.apps.CatalogueDashboardConfig"
