"""The kinds of email LeadCoach sends, who gets each, and which page each points to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from leadcoach.platform.i18n import N_, _
from leadcoach.platform.models import Role


class Kind(StrEnum):
    REASSESSMENT_DUE = "reassessment_due"
    REASSESSMENT_OVERDUE = "reassessment_overdue"
    DRAFT_LEFT = "draft_left"
    PLAN_CHECK_IN = "plan_check_in"
    PLAN_COMMENT = "plan_comment"
    NOTE_SHARED = "note_shared"
    ROUND_OPENS = "round_opens"
    ROUND_CLOSES = "round_closes"
    ROUND_SUMMARY = "round_summary"
    COACH_DIGEST = "coach_digest"
    WORK_PLAN_REVIEW = "work_plan_review"  # issue 23
    # issue 22: to 360 raters, who need no account (no settings page lists these)
    RATER_INVITATION = "rater_invitation"
    RATER_REMINDER = "rater_reminder"


@dataclass(frozen=True)
class KindInfo:
    """How a kind reads on the settings pages, who may get it, and where its link goes."""

    label: str  # people-facing, as a choice on the settings page (English: `label()` translates)
    roles: frozenset[Role]
    page: str  # the app's address of the page the email links to (st.Page's url_path)


_EVERYONE = frozenset(Role)
_SUPERVISORS = frozenset({Role.SUPERVISOR})
KINDS: dict[Kind, KindInfo] = {
    Kind.REASSESSMENT_DUE: KindInfo(
        N_("My next self-assessment is due"), _SUPERVISORS, "assessment"
    ),
    Kind.REASSESSMENT_OVERDUE: KindInfo(
        N_("My self-assessment is overdue"), _SUPERVISORS, "assessment"
    ),
    Kind.DRAFT_LEFT: KindInfo(
        N_("I left a self-assessment half-finished"), _SUPERVISORS, "assessment"
    ),
    Kind.PLAN_CHECK_IN: KindInfo(N_("A check-in on my development plan is due"), _EVERYONE, "plan"),
    Kind.PLAN_COMMENT: KindInfo(N_("My coach commented on my development plan"), _EVERYONE, "plan"),
    Kind.NOTE_SHARED: KindInfo(N_("My coach shared a coaching note with me"), _EVERYONE, "plan"),
    Kind.ROUND_OPENS: KindInfo(
        N_("An assessment round of my cohort opens"), _SUPERVISORS, "assessment"
    ),
    Kind.ROUND_CLOSES: KindInfo(
        N_("An assessment round of my cohort closes soon"), _SUPERVISORS, "assessment"
    ),
    Kind.ROUND_SUMMARY: KindInfo(
        N_("Summary of a cohort round that has closed"), frozenset({Role.HR}), "review"
    ),
    Kind.COACH_DIGEST: KindInfo(
        N_("Weekly digest of the teams I coach"), frozenset({Role.COACH}), "team"
    ),
    # --- KPIs and work plans (issue 23)
    Kind.WORK_PLAN_REVIEW: KindInfo(
        N_("My team's work plan is due for review"), _SUPERVISORS, "team_numbers"
    ),
    # issue 22: raters stop these by declining on the form itself, not by a setting.
    Kind.RATER_INVITATION: KindInfo(N_("Invitation to give 360 feedback"), frozenset(), "rater"),
    Kind.RATER_REMINDER: KindInfo(N_("Reminder to give 360 feedback"), frozenset(), "rater"),
}


def kinds_for(role: Role) -> list[Kind]:
    """The kinds of email a person of this role may get, in the order of KINDS."""
    return [kind for kind, info in KINDS.items() if role in info.roles]


def label(kind: str) -> str:
    """A kind's people-facing name (the raw name only for a kind this version does not know)."""
    try:
        return _(KINDS[Kind(kind)].label)
    except ValueError:
        return kind
