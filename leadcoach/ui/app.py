"""LeadCoach entry point: page config, start-up checks, sign-in gate, pages by role."""

from pathlib import Path

import streamlit as st

from leadcoach.platform import heap
from leadcoach.platform.i18n import _, isolate
from leadcoach.platform.models import Role
from leadcoach.reporting import vocabulary
from leadcoach.ui import auth, context, language, notifications, rater_view, styles
from leadcoach.ui.text import md

# The favicon ships with the package: a ":material/..." icon is fetched from Google's font
# host on every page, which fails offline (self-hosted installs often are; issue 19, 12).
FAVICON = Path(__file__).parent / "favicon.png"
st.set_page_config(page_title="LeadCoach", page_icon=str(FAVICON), layout="wide")
context.startup()
# The app's style rules (leadcoach.ui.styles), on the sign-in form as on every page.
st.html(f"<style>{styles.CSS}</style>")

# file -> (title, icon); each role sees only its own pages, and the core checks access again.
PAGES = {
    "pages/supervisor/home.py": ("Home", ":material/home:"),
    "pages/supervisor/assessment.py": ("Self-assessment", ":material/edit:"),
    "pages/supervisor/results.py": ("Results", ":material/insights:"),
    "pages/supervisor/growth.py": ("Growth", ":material/trending_up:"),
    "pages/supervisor/plan.py": ("Development plan", ":material/flag:"),
    "pages/coach/team.py": ("My teams", ":material/groups:"),
    "pages/coach/compare.py": ("Compare", ":material/compare_arrows:"),
    "pages/coach/person.py": ("Person", ":material/person:"),
    "pages/hr/organisation.py": ("Organisation", ":material/domain:"),
    "pages/hr/review.py": ("Cohort review", ":material/analytics:"),
    "pages/hr/cohorts.py": ("Cohorts", ":material/group_add:"),
    "pages/hr/roster.py": ("Import roster", ":material/upload_file:"),
    "pages/hr/quality.py": ("Instrument quality", ":material/fact_check:"),
    "pages/admin/accounts.py": ("Accounts", ":material/manage_accounts:"),
    "pages/admin/audit.py": ("Audit log", ":material/history:"),
    "pages/hr/erase.py": ("Erase a person", ":material/person_remove:"),
    "pages/admin/outbox.py": ("Outbox", ":material/outgoing_mail:"),
    "pages/notifications.py": ("Notifications", ":material/notifications:"),
    # --- KPIs and work plans (issue 23)
    "pages/supervisor/team_numbers.py": ("Team numbers", ":material/monitoring:"),
    "pages/coach/teams_numbers.py": ("Teams' numbers", ":material/monitoring:"),
    "pages/hr/kpi_import.py": ("Import KPIs", ":material/upload:"),
    # issue 22 (h-360-report): the 360 report
    "pages/supervisor/feedback_report.py": ("Feedback from others", ":material/diversity_3:"),
    "pages/rater.py": ("Give feedback", ":material/rate_review:"),  # issue 22
    "pages/feedback.py": ("360 feedback", ":material/groups_3:"),  # issue 22
}
HR_PAGES = [
    "pages/hr/organisation.py",
    "pages/hr/review.py",
    "pages/hr/cohorts.py",
    "pages/hr/roster.py",
    "pages/hr/quality.py",
    "pages/hr/erase.py",
    "pages/hr/kpi_import.py",  # issue 23
]
ROLE_PAGES = {
    Role.SUPERVISOR: [
        "pages/supervisor/home.py",
        "pages/supervisor/assessment.py",
        "pages/supervisor/results.py",
        "pages/supervisor/growth.py",
        "pages/supervisor/plan.py",
        "pages/supervisor/team_numbers.py",  # issue 23
        "pages/supervisor/feedback_report.py",  # issue 22: the 360 report
        "pages/notifications.py",
    ],
    Role.COACH: [
        "pages/coach/team.py",
        "pages/coach/compare.py",
        "pages/coach/person.py",
        "pages/coach/teams_numbers.py",  # issue 23
        "pages/notifications.py",
    ],
    Role.HR: [*HR_PAGES, "pages/notifications.py"],
    Role.ADMIN: [
        *HR_PAGES,
        "pages/admin/accounts.py",
        "pages/admin/audit.py",
        "pages/admin/outbox.py",
        "pages/notifications.py",
    ],
}
# A signed-out visitor of the notifications address may carry a one-click stop link.
SIGNED_OUT_PAGES = {
    "pages/notifications.py": notifications.signed_out_page,
    # issue 22: 360 raters need no account; their link or code is the proof.
    "pages/rater.py": rater_view.render,
}
# Issue 22: supervisors, coaches and HR run 360 rounds; anyone signed in may also have been
# asked for feedback.
FEEDBACK_ROLES = (Role.SUPERVISOR, Role.COACH, Role.HR)
EVERYONE_PAGES = ["pages/rater.py"]


def page(path: str) -> st.Page:
    title, icon = PAGES[path]
    return st.Page(path, title=_(title), icon=icon)


viewer = auth.current_viewer()
# Issue 25: this rerun's language (profile, tab's choice, browser), before any word is drawn.
language.activate(viewer)
language.layout()
if viewer is None:
    # Every page address answers with the sign-in form, so a bookmarked link works after
    # signing in; without st.navigation Streamlit would list every file of pages/ instead.
    gates = [st.Page(auth.gate_page, title=_("Sign in"), default=True)] + [
        st.Page(
            SIGNED_OUT_PAGES.get(path, auth.gate_page),
            title=_("Sign in"),
            url_path=page(path).url_path,
        )
        for path in PAGES
    ]
    st.navigation(gates, position="hidden").run()
    st.stop()

with st.sidebar:
    st.markdown(
        _("Signed in as **{name}** ({role})").format(
            name=isolate(md(viewer.name)), role=vocabulary.role(viewer.role.value)
        )
    )
    if st.button(_("Sign out"), icon=":material/logout:"):
        auth.sign_out(_("You are signed out."))
        st.rerun()
    auth.keep_sign_in()
    language.chooser(viewer)

feedback = ["pages/feedback.py"] if viewer.role in FEEDBACK_ROLES else []
try:
    st.navigation(
        [page(path) for path in [*ROLE_PAGES[viewer.role], *feedback, *EVERYONE_PAGES]]
    ).run()
finally:  # also when the page stops or reruns (Streamlit's own exceptions pass through)
    heap.release_freed_memory()
