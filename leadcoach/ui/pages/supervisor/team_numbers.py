"""Team numbers: the team's KPIs on the time axis of the supervisor's growth (issue 23)."""

from leadcoach.ui import auth, context, kpi_pages

viewer = auth.require_viewer()
kpi_pages.supervisor_view(viewer, context.subject_person_id(viewer.person_id))
