"""Development plan: focus skills, SMART goals, actions from the tips library, check-ins."""

from leadcoach.ui import auth, context, person_views

viewer = auth.require_viewer()
person_views.plan(viewer, context.subject_person_id(viewer.person_id))
