"""Give 360 feedback (issue 22): a rater's form, by personal link or one-time code; no
sign-in needed (leadcoach/ui/rater_view.py)."""

from leadcoach.ui import rater_view

rater_view.render()
