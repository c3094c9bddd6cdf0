"""HR: import people, teams, coaches and cohorts from a roster file (CSV or XLSX)."""

import pandas as pd
import streamlit as st

from leadcoach.programmes import roster
from leadcoach.reporting import exports
from leadcoach.ui import auth, context
from leadcoach.ui.exports import table_download
from leadcoach.ui.text import md

viewer = auth.require_viewer()
st.title("Import a roster", anchor=False)
st.write(
    "One row per person with the columns "
    + ", ".join(f"`{column}`" for column in roster.COLUMNS)
    + ". Required: "
    + ", ".join(f"`{c}`" for c in roster.REQUIRED_COLUMNS)
    + " (and `team` for supervisors). Dates as YYYY-MM-DD. People are matched on email, so "
    "importing the same file twice changes nothing. A workbook's first sheet is read; at "
    f"most {roster.MAX_ROWS:,} people a file (split a longer list and import the parts one "
    "after the other, coaches first)."
)
upload = st.file_uploader("Roster file", type=["csv", "tsv", "txt", "xlsx"], key="roster_file")
create_teams = st.checkbox(
    "Create missing teams", help="Otherwise every team named in the file must already exist."
)
mode = st.radio(
    "If some rows have problems",
    roster.MODES,
    format_func={
        "all_or_nothing": "Import nothing until the file is clean",
        "clean_rows": "Import the clean rows; give me the rejected ones back as a file",
    }.get,
)
if upload is None:
    st.info("Choose a file to check it. Nothing is written until you press Import.")
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
            [(p.row or "file", p.column, p.message) for p in check.problems],
            columns=["Row", "Column", "Problem"],
        ),
        hide_index=True,
        column_config={"Problem": st.column_config.TextColumn(width="large")},
    )
if check.new_teams or check.new_cohorts:
    st.caption(
        "The import will also create: "
        + "; ".join(
            part
            for part in (
                f"teams {', '.join(check.new_teams)}" if check.new_teams else "",
                f"cohorts {', '.join(check.new_cohorts)}" if check.new_cohorts else "",
            )
            if part
        )
    )
blocked = not check.rows or (mode == "all_or_nothing" and not check.ok)
if st.button("Import", type="primary", disabled=blocked, icon=":material/upload:"):
    with context.db() as session, context.stop_on_error():
        result = roster.import_roster(
            session=session, viewer=viewer, roster=parsed, mode=mode, create_teams=create_teams
        )
    (st.success if result.written else st.error)(result.summary())
    if not result.rejected_rows.empty:
        table_download(
            "Rejected rows (CSV)",
            result.rejected_rows,
            exports.derived_file_name(upload.name, "rejected"),
            people_headers=False,  # to be fixed and imported again: the roster's own columns
        )
