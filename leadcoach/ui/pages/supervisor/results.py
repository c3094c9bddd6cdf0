"""Results: the latest skill profile, strengths, development areas and coaching tips."""

from leadcoach.ui import auth, context, person_views

viewer = auth.require_viewer()
person_views.results(viewer, context.subject_person_id(viewer.person_id))
