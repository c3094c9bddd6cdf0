"""HR: import people, teams, coaches and cohorts from a roster file (CSV or XLSX)."""

import pandas as pd
import streamlit as st

from leadcoach.platform.i18n import N_, _, formatted
from leadcoach.programmes import roster
from leadcoach.reporting import exports
from leadcoach.ui import auth, context
from leadcoach.ui.exports import table_download
from leadcoach.ui.text import md

# What each import mode does, as the choice reads (texts of the catalog).
IMPORT_MODES = {
    "all_or_nothing": N_("Import nothing until the file is clean"),
    "clean_rows": N_("Import the clean rows; give me the rejected ones back as a file"),
}
viewer = auth.require_viewer()
st.title(_("Import a roster"), anchor=False)
st.write(
    _(
        "One row per person with the columns {columns}. Required: {required} (and `team` for "
        "supervisors). Dates as YYYY-MM-DD. People are matched on email, so importing the "
        "same file twice changes nothing. A workbook's first sheet is read; at most {most} "
        "people a file (split a longer list and import the parts one after the other, "
        "coaches first)."
    ).format(
        columns=", ".join(f"`{column}`" for column in roster.COLUMNS),
        required=", ".join(f"`{c}`" for c in roster.REQUIRED_COLUMNS),
        most=formatted(roster.MAX_ROWS, ","),
    )
)
upload = st.file_uploader(_("Roster file"), type=["csv", "tsv", "txt", "xlsx"], key="roster_file")
create_teams = st.checkbox(
    _("Create missing teams"), help=_("Otherwise every team named in the file must already exist.")
)
mode = st.radio(
    _("If some rows have problems"),
    roster.MODES,
    format_func=lambda mode: _(IMPORT_MODES[mode]),
)
if upload is None:
    st.info(_("Choose a file to check it. Nothing is written until you press Import."))
    st.stop()

parsed = roster.read_roster(upload.getvalue(), upload.name)
for warning in parsed.warnings:
    st.warning(md(warning))
with context.db() as session, context.stop_on_error():
    check = roster.validate_roster(
        session=session, viewer=viewer, roster=parsed, create_teams=create_teams
    )
(st.success if check.ok else st.warning)(check.summary())
if 0 < len(check.problems) <= 20:  # few: plain sentences, read in order
    st.markdown("\n".join(f"- {md(message)}" for message in check.messages()))
elif check.problems:
    st.dataframe(
        pd.DataFrame(
            [(p.row or _("file"), p.column, p.message) for p in check.problems],
            columns=[_("Row"), _("Column"), _("Problem")],
        ),
        hide_index=True,
        column_config={_("Problem"): st.column_config.TextColumn(width="large")},
    )
if check.new_teams or check.new_cohorts:
    parts = (
        _("teams {names}").format(names=", ".join(check.new_teams)) if check.new_teams else "",
        _("cohorts {names}").format(names=", ".join(check.new_cohorts))
        if check.new_cohorts
        else "",
    )
    st.caption(
        _("The import will also create: {what}").format(what="; ".join(p for p in parts if p))
    )
blocked = not check.rows or (mode == "all_or_nothing" and not check.ok)
if st.button(_("Import"), type="primary", disabled=blocked, icon=":material/upload:"):
    with context.db() as session, context.stop_on_error():
        result = roster.import_roster(
            session=session, viewer=viewer, roster=parsed, mode=mode, create_teams=create_teams
        )
    (st.success if result.written else st.error)(result.summary())
    if not result.rejected_rows.empty:
        table_download(
            _("Rejected rows (CSV)"),
            result.rejected_rows,
            exports.derived_file_name(upload.name, "rejected"),
            people_headers=False,  # to be fixed and imported again: the roster's own columns
        )
