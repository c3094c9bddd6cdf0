"""Feedback from others: the supervisor's 360 report, once a round has closed."""

from leadcoach.ui import auth, feedback_views

viewer = auth.require_viewer()
feedback_views.report(viewer, viewer.person_id)
