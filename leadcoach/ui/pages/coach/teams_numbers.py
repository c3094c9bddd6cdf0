"""Teams' numbers: the coached teams' KPIs side by side with XmR limits (issue 23)."""

from leadcoach.ui import auth, kpi_pages

viewer = auth.require_viewer()
kpi_pages.coach_view(viewer)
