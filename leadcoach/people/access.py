"""Who may see and change whose data: one policy table, checked below the pages.

Identity always comes from the database (the signed-in person's row and the teams they
coach), never from a page parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, false, or_, true
from sqlmodel import Session, select

from leadcoach.platform.errors import AccessDenied, NotFound
from leadcoach.platform.i18n import _
from leadcoach.platform.languages import code_for
from leadcoach.platform.models import Cohort, Person, Role, TeamCoach


class Action(StrEnum):
    READ_RESULTS = "read_results"  # a person's drafts, submissions and scores
    TAKE_ASSESSMENT = "take_assessment"  # start, answer and submit a self-assessment
    READ_ORGANISATION = "read_organisation"  # people, teams and aggregates across the org
    MANAGE_ACCOUNTS = "manage_accounts"  # create people and accounts, change roles
    EDIT_PLAN = "edit_plan"  # goals, actions and check-ins of a development plan
    COMMENT_PLAN = "comment_plan"  # comment on a development plan's goals
    READ_NOTES = "read_notes"  # coaching notes about a person (their own: shared ones only)
    WRITE_NOTES = "write_notes"  # write and share coaching notes
    READ_AGGREGATES = "read_aggregates"  # organisation-wide averages, never single people
    MANAGE_COHORTS = "manage_cohorts"  # import rosters, create cohorts and their rounds
    READ_AUDIT = "read_audit"  # the audit log: who did what, when
    ERASE_PERSON = "erase_person"  # delete a person and all their data (right to erasure)
    CHOOSE_EMAILS = "choose_emails"  # one's own email choices: kinds, time zone, hours
    SWITCH_EMAILS = "switch_emails"  # turn a kind of email on or off for the organisation
    READ_OUTBOX = "read_outbox"  # every queued, sent and failed email; send a failed one again
    # --- KPIs and work plans (issue 23)
    MANAGE_KPIS = "manage_kpis"  # import teams' KPI values, add measures to the catalogue
    READ_KPIS = (
        "read_kpis"  # a supervisor's team KPIs and work plans (the supervisor is the subject)
    )
    EDIT_WORK_PLAN = "edit_work_plan"  # write a team's work plan: expectations, targets, actions
    COMMENT_WORK_PLAN = "comment_work_plan"  # comment on a work plan
    # --- issue 24: reports people keep ---
    DOWNLOAD_REPORT = "download_report"  # a person's own PDF report (theirs, their coach's)
    EXPORT_COHORT = "export_cohort"  # a cohort's PDF report, workbook and ZIP of reports
    # --- multi-rater (360) feedback, issue 22 ---
    START_FEEDBACK = "start_feedback"  # open a 360 round for a supervisor (HR: for a cohort)
    NOMINATE_RATERS = "nominate_raters"  # propose raters for a round, see the list
    APPROVE_RATERS = "approve_raters"  # change and approve the list, send invitations, close
    READ_FEEDBACK_PROGRESS = "read_feedback_progress"  # answers per group, counts only
    READ_FEEDBACK_REPORT = "read_feedback_report"  # one supervisor's 360 report (closed rounds)


class Scope(StrEnum):
    OWN = "own"  # only the viewer's own data
    COACHED = "coached"  # the viewer's own data and people on teams they coach
    ANYONE = "anyone"


# role x action -> whose data. A missing cell means refused.
POLICY: dict[tuple[Role, Action], Scope] = {
    (Role.SUPERVISOR, Action.READ_RESULTS): Scope.OWN,
    (Role.SUPERVISOR, Action.TAKE_ASSESSMENT): Scope.OWN,
    (Role.SUPERVISOR, Action.EDIT_PLAN): Scope.OWN,
    (Role.SUPERVISOR, Action.COMMENT_PLAN): Scope.OWN,
    (Role.SUPERVISOR, Action.READ_NOTES): Scope.OWN,
    (Role.COACH, Action.READ_RESULTS): Scope.COACHED,
    (Role.COACH, Action.TAKE_ASSESSMENT): Scope.OWN,
    (Role.COACH, Action.EDIT_PLAN): Scope.OWN,
    (Role.COACH, Action.COMMENT_PLAN): Scope.COACHED,
    (Role.COACH, Action.READ_NOTES): Scope.COACHED,
    (Role.COACH, Action.WRITE_NOTES): Scope.COACHED,
    (Role.COACH, Action.READ_AGGREGATES): Scope.ANYONE,
    (Role.HR, Action.READ_RESULTS): Scope.ANYONE,
    (Role.HR, Action.READ_ORGANISATION): Scope.ANYONE,
    (Role.HR, Action.MANAGE_COHORTS): Scope.ANYONE,
    (Role.HR, Action.READ_AGGREGATES): Scope.ANYONE,
    (Role.ADMIN, Action.READ_RESULTS): Scope.ANYONE,
    (Role.ADMIN, Action.READ_ORGANISATION): Scope.ANYONE,
    (Role.ADMIN, Action.MANAGE_ACCOUNTS): Scope.ANYONE,
    (Role.ADMIN, Action.MANAGE_COHORTS): Scope.ANYONE,
    (Role.ADMIN, Action.READ_AGGREGATES): Scope.ANYONE,
    (Role.ADMIN, Action.READ_AUDIT): Scope.ANYONE,
    (Role.HR, Action.ERASE_PERSON): Scope.ANYONE,
    (Role.ADMIN, Action.ERASE_PERSON): Scope.ANYONE,
    (Role.SUPERVISOR, Action.CHOOSE_EMAILS): Scope.OWN,
    (Role.COACH, Action.CHOOSE_EMAILS): Scope.OWN,
    (Role.HR, Action.CHOOSE_EMAILS): Scope.OWN,
    (Role.ADMIN, Action.CHOOSE_EMAILS): Scope.OWN,
    (Role.HR, Action.SWITCH_EMAILS): Scope.ANYONE,
    (Role.ADMIN, Action.SWITCH_EMAILS): Scope.ANYONE,
    (Role.ADMIN, Action.READ_OUTBOX): Scope.ANYONE,
    # --- KPIs and work plans (issue 23): a team's numbers follow its supervisor's results;
    # the coach writes the plan with the supervisor ("a supervisor (or their coach)").
    (Role.HR, Action.MANAGE_KPIS): Scope.ANYONE,
    (Role.ADMIN, Action.MANAGE_KPIS): Scope.ANYONE,
    (Role.SUPERVISOR, Action.READ_KPIS): Scope.OWN,
    (Role.COACH, Action.READ_KPIS): Scope.COACHED,
    (Role.HR, Action.READ_KPIS): Scope.ANYONE,
    (Role.ADMIN, Action.READ_KPIS): Scope.ANYONE,
    (Role.SUPERVISOR, Action.EDIT_WORK_PLAN): Scope.OWN,
    (Role.COACH, Action.EDIT_WORK_PLAN): Scope.COACHED,
    (Role.SUPERVISOR, Action.COMMENT_WORK_PLAN): Scope.OWN,
    (Role.COACH, Action.COMMENT_WORK_PLAN): Scope.COACHED,
    # --- issue 24: reports people keep ---
    (Role.SUPERVISOR, Action.DOWNLOAD_REPORT): Scope.OWN,
    (Role.COACH, Action.DOWNLOAD_REPORT): Scope.COACHED,
    (Role.HR, Action.DOWNLOAD_REPORT): Scope.ANYONE,
    (Role.ADMIN, Action.DOWNLOAD_REPORT): Scope.ANYONE,
    (Role.HR, Action.EXPORT_COHORT): Scope.ANYONE,
    (Role.ADMIN, Action.EXPORT_COHORT): Scope.ANYONE,
    # --- multi-rater (360) feedback, issue 22: the supervisor proposes, the coach or HR
    # decides; no one reads a rater's answers here (the report shows only gated groups).
    (Role.SUPERVISOR, Action.START_FEEDBACK): Scope.OWN,
    (Role.COACH, Action.START_FEEDBACK): Scope.COACHED,
    (Role.HR, Action.START_FEEDBACK): Scope.ANYONE,
    (Role.SUPERVISOR, Action.NOMINATE_RATERS): Scope.OWN,
    (Role.COACH, Action.NOMINATE_RATERS): Scope.COACHED,
    (Role.HR, Action.NOMINATE_RATERS): Scope.ANYONE,
    (Role.COACH, Action.APPROVE_RATERS): Scope.COACHED,
    (Role.HR, Action.APPROVE_RATERS): Scope.ANYONE,
    (Role.SUPERVISOR, Action.READ_FEEDBACK_PROGRESS): Scope.OWN,
    (Role.COACH, Action.READ_FEEDBACK_PROGRESS): Scope.COACHED,
    (Role.HR, Action.READ_FEEDBACK_PROGRESS): Scope.ANYONE,
    # One supervisor's 360 report: theirs and their coach's only; HR and admins see cohort
    # aggregates (issue 22, item 6), never one person's report.
    (Role.SUPERVISOR, Action.READ_FEEDBACK_REPORT): Scope.OWN,
    (Role.COACH, Action.READ_FEEDBACK_REPORT): Scope.COACHED,
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in person as the core sees them, loaded from the database."""

    person_id: int
    name: str
    role: Role
    coached_team_ids: frozenset[int]
    # The interface language code (issue 25), None when the profile names no supported one.
    language: str | None = None


def load_viewer(*, session: Session, person_id: int) -> Viewer:
    """Build the viewer from the database; the role and teams are never taken from the page."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(_("This account no longer exists."))
    teams = session.exec(select(TeamCoach.team_id).where(TeamCoach.coach_id == person_id)).all()
    return Viewer(
        person.id, person.name, Role(person.role), frozenset(teams), code_for(person.language)
    )


def allowed(viewer: Viewer, action: Action, subject: Person | None = None) -> bool:
    """Whether the policy lets the viewer do the action on the subject's data."""
    scope = POLICY.get((viewer.role, action))
    if scope is None:
        return False
    if scope is Scope.ANYONE:
        return True
    if subject is None:
        return False
    if subject.id == viewer.person_id:
        return True
    return scope is Scope.COACHED and subject.team_id in viewer.coached_team_ids


# The one refusal for anything asked for by id, whether it does not exist or is someone
# else's: a different answer for each would let anyone find out which ids exist (which people,
# teams, assessments) by trying them.
NO_ACCESS = "You do not have access to this information, or it does not exist."


def require(viewer: Viewer, action: Action, subject: Person | None = None) -> None:
    """Raise AccessDenied unless the policy allows the action."""
    if not allowed(viewer, action, subject):
        raise AccessDenied(NO_ACCESS)


def person_for(*, session: Session, viewer: Viewer, action: Action, person_id: int) -> Person:
    """Fetch a person the viewer may act on; an unknown id is refused exactly as a forbidden
    one (same exception, same message)."""
    person = session.get(Person, person_id)
    if person is None:
        raise AccessDenied(NO_ACCESS)
    require(viewer, action, person)
    return person


def visible_people(viewer: Viewer, action: Action) -> ColumnElement[bool]:
    """A WHERE clause on Person selecting exactly the people the policy lets the viewer act on,
    so list queries apply the same table as single-person checks."""
    scope = POLICY.get((viewer.role, action))
    if scope is None:
        return false()
    if scope is Scope.ANYONE:
        return true()
    own = Person.id == viewer.person_id
    if scope is Scope.COACHED:
        return or_(own, Person.team_id.in_(viewer.coached_team_ids))
    return own


def cohort_for(*, session: Session, viewer: Viewer, cohort_id: int) -> Cohort:
    """A cohort the viewer may read (HR and admins); an unknown id is refused as a forbidden one."""
    require(viewer, Action.READ_ORGANISATION)
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise AccessDenied(NO_ACCESS)
    return cohort
