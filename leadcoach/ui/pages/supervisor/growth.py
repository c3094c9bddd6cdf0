"""Growth: every skill across all submissions, the overall index, and a CSV download."""

from leadcoach.ui import auth, context, person_views

viewer = auth.require_viewer()
person_views.growth(viewer, context.subject_person_id(viewer.person_id))
