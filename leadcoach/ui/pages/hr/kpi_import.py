"""HR: import teams' monthly KPI values from a CSV or XLSX file (issue 23)."""

from leadcoach.ui import auth, kpi_pages

viewer = auth.require_viewer()
kpi_pages.import_page(viewer)
