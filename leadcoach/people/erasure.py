"""Erasing a person: they and all their data go, in one transaction (GDPR article 17).

The audit log keeps its events, since it records what others did too, but every trace of
who the person was leaves it: events they performed lose their actor, and subjects naming
their email are replaced. The erasure itself is logged with the old id and counts only.

Every column that references a person, directly or through a row that is deleted with
them, is listed in PERSON_REFERENCES or DEPENDENT_REFERENCES; tests/test_erasure.py fails
when a table is added that neither list handles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import update
from sqlmodel import Session, col, delete, func, or_, select

from leadcoach.people import audit
from leadcoach.people.access import Action, Viewer, require
from leadcoach.platform.db import scrub_after_commit
from leadcoach.platform.errors import AccessDenied, InvalidInput, NotFound
from leadcoach.platform.i18n import _, ngettext, number
from leadcoach.platform.models import (
    Account,
    Answer,
    AssessmentDraft,
    AuditEvent,
    CoachingNote,
    CohortMember,
    DevelopmentGoal,
    FeedbackRound,
    GoalAction,
    GoalCheckIn,
    ItemComparisonExclusion,
    NotificationPreference,
    NotificationProfile,
    OutboxMessage,
    Person,
    PlanComment,
    RaterAnswer,
    RaterForm,
    RaterNomination,
    RaterSkillScore,
    Role,
    SkillScore,
    Submission,
    Team,
    TeamCoach,
    WorkPlan,
    WorkPlanComment,
    WorkPlanTarget,
)

ERASED_SUBJECT = "erased person"
_NOT_RECORDS = {"people", "audit_events_anonymised"}

# (table, column) referencing person.id -> what erasure does with the rows.
PERSON_REFERENCES: dict[tuple[str, str], str] = {
    ("account", "person_id"): "delete",
    ("teamcoach", "coach_id"): "delete",
    ("assessmentdraft", "person_id"): "delete",
    ("submission", "person_id"): "delete",
    ("submission", "rater_id"): "delete",
    ("cohortmember", "person_id"): "delete",
    ("developmentgoal", "person_id"): "delete",
    ("plancomment", "author_id"): "delete",
    ("coachingnote", "person_id"): "delete",
    ("coachingnote", "author_id"): "delete",
    ("outboxmessage", "recipient_id"): "delete",
    ("notificationpreference", "person_id"): "delete",
    ("notificationprofile", "person_id"): "delete",
    ("auditevent", "actor_id"): "set null",
    # issue 22: 360 rounds about them go whole; their forms and answers as a rater go;
    # where they only nominated or approved, their name is taken off.
    ("feedbackround", "supervisor_id"): "delete",
    ("feedbackround", "created_by_id"): "set null",
    ("feedbackround", "approved_by_id"): "set null",
    ("raternomination", "rater_person_id"): "delete",
    ("raternomination", "nominated_by_id"): "set null",
    ("raternomination", "decided_by_id"): "set null",
    ("raterform", "supervisor_id"): "delete",
    # issue 23: their team's work plans go; a plan they wrote for someone else stays with
    # that supervisor as its author; their comments on plans go.
    ("workplan", "person_id"): "delete",
    ("workplan", "author_id"): "set to the plan's supervisor",
    ("workplancomment", "author_id"): "delete",
    # issue 25: HR's choice to set a statement aside stays, without who made it.
    ("itemcomparisonexclusion", "chosen_by"): "set null",
}
# (table, column) referencing a row deleted with the person -> deleted too.
DEPENDENT_REFERENCES: dict[tuple[str, str], str] = {
    ("answer", "draft_id"): "delete",
    ("submission", "draft_id"): "delete",
    ("skillscore", "submission_id"): "delete",
    ("goalaction", "goal_id"): "delete",
    ("goalcheckin", "goal_id"): "delete",
    ("plancomment", "goal_id"): "delete",
    # issue 22
    ("raternomination", "round_id"): "delete",
    ("raterform", "round_id"): "delete",
    ("raterform", "nomination_id"): "delete",
    ("rateranswer", "form_id"): "delete",
    ("raterskillscore", "form_id"): "delete",
    ("outboxmessage", "rater_form_id"): "delete",
    # issue 23: a work plan's targets and comments go with the plan; a target linked to one
    # of their development goals belongs to one of their own plans.
    ("workplantarget", "plan_id"): "delete",
    ("workplantarget", "goal_id"): "delete",
    ("workplancomment", "plan_id"): "delete",
}


@dataclass(frozen=True)
class ErasureReport:
    """How many rows of each kind went; never what they held."""

    person_id: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def records(self) -> int:
        """Rows of their data deleted, besides the person's own row."""
        return sum(n for kind, n in self.counts.items() if kind not in _NOT_RECORDS)

    def described(self) -> str:
        """What went, in plain words, for the person who erased them: each kind that was
        there, counted ("1 sign-in account, 3 submitted assessments and 2 coaching notes"),
        or "" when nothing but the person was stored. Scores, actions and check-ins are
        parts of the assessments and goals named, so they are not listed again."""
        parts = [
            counted(count).format(count=number(count))
            for kind, counted in _DESCRIBED.items()
            if (count := self.counts.get(kind, 0)) > 0
        ]
        if len(parts) <= 1:
            return "".join(parts)
        return _("{items} and {last}").format(items=", ".join(parts[:-1]), last=parts[-1])


# The kinds of erased data a person reads about, in this order, with their singular and
# plural names (ngettext: a language may have more plural forms than two, issue 25).
_DESCRIBED: dict[str, Callable[[int], str]] = {
    "accounts": lambda n: ngettext("{count} sign-in account", "{count} sign-in accounts", n),
    "submissions": lambda n: ngettext(
        "{count} submitted assessment", "{count} submitted assessments", n
    ),
    "answers": lambda n: ngettext("{count} answer", "{count} answers", n),
    "goals": lambda n: ngettext("{count} development goal", "{count} development goals", n),
    "plan_comments": lambda n: ngettext(
        "{count} comment on a development plan", "{count} comments on development plans", n
    ),
    "coaching_notes": lambda n: ngettext("{count} coaching note", "{count} coaching notes", n),
    "cohort_memberships": lambda n: ngettext(
        "{count} cohort membership", "{count} cohort memberships", n
    ),
    "coached_teams": lambda n: ngettext(
        "{count} team they coached", "{count} teams they coached", n
    ),
    "work_plans": lambda n: ngettext("{count} team work plan", "{count} team work plans", n),
    "work_plan_comments": lambda n: ngettext(
        "{count} comment on a work plan", "{count} comments on work plans", n
    ),
    "feedback_rounds": lambda n: ngettext(
        "{count} 360 feedback round", "{count} 360 feedback rounds", n
    ),
    "rater_forms": lambda n: ngettext("{count} 360 feedback form", "{count} 360 feedback forms", n),
}


def _same_name(typed: str, name: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


def _ids(session: Session, query) -> list[int]:
    return list(session.exec(query).all())


def erase_person(
    *, session: Session, viewer: Viewer, person_id: int, confirm_name: str
) -> ErasureReport:
    """Delete the person and everything about or by them (HR and admins; not oneself).

    `confirm_name` must be the person's name as typed by the one erasing, so a slip of the
    picker cannot erase the wrong person. Refused for the last admin.
    """
    require(viewer, Action.ERASE_PERSON)
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(_("No such person."))
    if person.id == viewer.person_id:
        raise AccessDenied(_("You cannot erase yourself; ask another HR person or admin to do it."))
    if not _same_name(confirm_name or "", person.name):
        raise InvalidInput(
            _(
                "Confirm: the name typed does not match the person chosen; type their full "
                "name exactly as shown to confirm."
            )
        )
    if person.role == Role.ADMIN.value:
        admins = session.exec(
            select(func.count()).select_from(Person).where(Person.role == Role.ADMIN.value)
        ).one()
        if admins <= 1:
            raise InvalidInput(
                _("{name} is the last admin; make someone else an admin first.").format(
                    name=person.name
                )
            )
    email = person.email
    counts: dict[str, int] = {}

    def gone(kind: str, statement) -> None:
        counts[kind] = counts.get(kind, 0) + (session.exec(statement).rowcount or 0)

    draft_ids = _ids(
        session, select(AssessmentDraft.id).where(AssessmentDraft.person_id == person_id)
    )
    submission_ids = _ids(
        session,
        select(Submission.id).where(
            or_(
                Submission.person_id == person_id,
                Submission.rater_id == person_id,
                col(Submission.draft_id).in_(draft_ids),
            )
        ),
    )
    gone(
        "skill_scores", delete(SkillScore).where(col(SkillScore.submission_id).in_(submission_ids))
    )
    gone("submissions", delete(Submission).where(col(Submission.id).in_(submission_ids)))
    gone("answers", delete(Answer).where(col(Answer.draft_id).in_(draft_ids)))
    gone("drafts", delete(AssessmentDraft).where(col(AssessmentDraft.id).in_(draft_ids)))

    goal_ids = _ids(
        session, select(DevelopmentGoal.id).where(DevelopmentGoal.person_id == person_id)
    )
    gone("goal_actions", delete(GoalAction).where(col(GoalAction.goal_id).in_(goal_ids)))
    gone("goal_check_ins", delete(GoalCheckIn).where(col(GoalCheckIn.goal_id).in_(goal_ids)))
    gone(
        "plan_comments",
        delete(PlanComment).where(
            or_(col(PlanComment.goal_id).in_(goal_ids), PlanComment.author_id == person_id)
        ),
    )
    plan_ids = _ids(session, select(WorkPlan.id).where(WorkPlan.person_id == person_id))
    gone(
        "work_plan_targets",
        delete(WorkPlanTarget).where(
            or_(
                col(WorkPlanTarget.plan_id).in_(plan_ids), col(WorkPlanTarget.goal_id).in_(goal_ids)
            )
        ),
    )
    gone(
        "work_plan_comments",
        delete(WorkPlanComment).where(
            or_(col(WorkPlanComment.plan_id).in_(plan_ids), WorkPlanComment.author_id == person_id)
        ),
    )
    gone("work_plans", delete(WorkPlan).where(col(WorkPlan.id).in_(plan_ids)))
    session.execute(
        update(WorkPlan).where(WorkPlan.author_id == person_id).values(author_id=WorkPlan.person_id)
    )
    session.execute(
        update(ItemComparisonExclusion)
        .where(ItemComparisonExclusion.chosen_by == person_id)
        .values(chosen_by=None)
    )
    gone("goals", delete(DevelopmentGoal).where(col(DevelopmentGoal.id).in_(goal_ids)))
    gone(
        "coaching_notes",
        delete(CoachingNote).where(
            or_(CoachingNote.person_id == person_id, CoachingNote.author_id == person_id)
        ),
    )
    _erase_feedback(session, person_id, email, gone)
    gone("cohort_memberships", delete(CohortMember).where(CohortMember.person_id == person_id))
    gone("coached_teams", delete(TeamCoach).where(TeamCoach.coach_id == person_id))
    gone("accounts", delete(Account).where(Account.person_id == person_id))
    gone("emails", delete(OutboxMessage).where(OutboxMessage.recipient_id == person_id))
    gone(
        "email_choices",
        delete(NotificationPreference).where(NotificationPreference.person_id == person_id),
    )
    gone(
        "email_profile",
        delete(NotificationProfile).where(NotificationProfile.person_id == person_id),
    )
    gone(
        "audit_events_anonymised",
        update(AuditEvent)
        .where(or_(AuditEvent.actor_id == person_id, AuditEvent.subject == email))
        .values(
            actor_id=None,
            subject=func.coalesce(
                # Keep a subject naming someone else; drop one naming this person.
                func.nullif(AuditEvent.subject, email),
                ERASED_SUBJECT,
            ),
        ),
    )
    gone("people", delete(Person).where(Person.id == person_id))
    session.flush()
    audit.record(
        session, viewer.person_id, "person_erased", f"person {person_id}",
        **{kind: count for kind, count in counts.items() if count},
    )  # fmt: skip
    # Once the caller commits, nothing erased stays readable in SQLite's files either.
    scrub_after_commit(session)
    return ErasureReport(person_id, counts)


def _erase_feedback(session: Session, person_id: int, email: str, gone) -> None:
    """Issue 22: the rounds about them (with every rater's form and answers), and every form
    they filled in as a rater, named by person or by their email address."""
    round_ids = _ids(
        session, select(FeedbackRound.id).where(FeedbackRound.supervisor_id == person_id)
    )
    nomination_ids = _ids(
        session,
        select(RaterNomination.id).where(
            or_(
                col(RaterNomination.round_id).in_(round_ids),
                RaterNomination.rater_person_id == person_id,
                func.lower(RaterNomination.rater_email) == email.lower(),
            )
        ),
    )
    form_ids = _ids(
        session,
        select(RaterForm.id).where(
            or_(
                col(RaterForm.nomination_id).in_(nomination_ids),
                col(RaterForm.round_id).in_(round_ids),
                RaterForm.supervisor_id == person_id,
            )
        ),
    )
    gone("emails", delete(OutboxMessage).where(col(OutboxMessage.rater_form_id).in_(form_ids)))
    gone("rater_answers", delete(RaterAnswer).where(col(RaterAnswer.form_id).in_(form_ids)))
    gone("rater_scores", delete(RaterSkillScore).where(col(RaterSkillScore.form_id).in_(form_ids)))
    gone("rater_forms", delete(RaterForm).where(col(RaterForm.id).in_(form_ids)))
    gone(
        "rater_nominations",
        delete(RaterNomination).where(col(RaterNomination.id).in_(nomination_ids)),
    )
    gone("feedback_rounds", delete(FeedbackRound).where(col(FeedbackRound.id).in_(round_ids)))
    for column in (RaterNomination.nominated_by_id, RaterNomination.decided_by_id):
        session.exec(update(RaterNomination).where(column == person_id).values({column: None}))
    for column in (FeedbackRound.created_by_id, FeedbackRound.approved_by_id):
        session.exec(update(FeedbackRound).where(column == person_id).values({column: None}))


def erasable_people(*, session: Session, viewer: Viewer) -> pd.DataFrame:
    """Everyone the viewer may erase (not themselves), by name: person_id, name, email, role,
    team (HR and admins)."""
    require(viewer, Action.ERASE_PERSON)
    rows = session.exec(
        select(Person.id, Person.name, Person.email, Person.role, Team.name)
        .join(Team, Team.id == Person.team_id, isouter=True)
        .where(Person.id != viewer.person_id)
        .order_by(Person.name, Person.id)
    ).all()
    return pd.DataFrame(rows, columns=["person_id", "name", "email", "role", "team"])
