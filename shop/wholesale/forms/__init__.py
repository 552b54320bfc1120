"""Forms of the buyer area and of the dashboard's wholesale pages."""
